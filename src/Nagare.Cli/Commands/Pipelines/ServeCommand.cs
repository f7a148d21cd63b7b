using System.CommandLine;
using System.Globalization;
using Nagare.Core;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines;
using Nagare.Server;

namespace Nagare.Cli.Commands.Pipelines;

/// <summary><c>nagare serve</c> (scheduler and worker in one process) and <c>nagare worker</c> (a worker alone, e.g. on another machine).</summary>
public static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var options = new PipelineOptions();
        var slots = SlotsOption();
        var noWorker = new Option<bool>("--no-worker") { Description = "Run the scheduler only, e.g. a standby on another machine: no worker and no REST API (workers run elsewhere)." };
        var lease = LeaseOption();
        var heartbeat = HeartbeatOption();
        var listen = new Option<string>("--listen")
        {
            Description = $"Where the REST API listens, HOST:PORT (default {ServerOptions.DefaultListen}: this machine only; 0.0.0.0:8181 for every interface).",
            DefaultValueFactory = _ => ServerOptions.DefaultListen,
        };
        var noApi = new Option<bool>("--no-api") { Description = "Run without the REST API (the scheduler and worker only)." };
        var certificate = new Option<string?>("--cert") { Description = "Serve HTTPS with this certificate: a .pfx/.p12 file, or a PEM .crt/.pem file with --cert-key." };
        var certificateKey = new Option<string?>("--cert-key") { Description = "The PEM private key of --cert, or the password of a .pfx file." };
        var web = new Option<string?>("--web") { Description = "The folder of the built web UI served at / (default: NAGARE_WEB_ROOT, else web/dist of the checkout this program was built from; scripts/bootstrap --web builds it)." };
        var command = new Command("serve", "Run the REST API and web UI, the scheduler and a worker until stopped (Ctrl+C): the server owns the warehouse, scheduled runs start on time, tasks run, deadlines are watched and notices sent.") { slots, noWorker, lease, heartbeat, listen, noApi, certificate, certificateKey, web };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var worker = parse.GetValue(noWorker) ? null : Checked(new WorkerOptions { Slots = parse.GetValue(slots), Warehouse = true }, parse, lease, heartbeat);
            await using var service = await options.OpenAsync(parse, context, verbose: true, cancellationToken).ConfigureAwait(false);
            NagareServer? server = null;
            // A scheduler alone (a standby, often on a machine without the warehouse) neither owns the warehouse nor answers the API.
            if (worker is not null && !parse.GetValue(noApi))
            {
                server = await NagareServer.StartAsync(
                    new ServerOptions
                    {
                        Pipelines = service,
                        Listen = parse.GetValue(listen)!,
                        Certificate = parse.GetValue(certificate),
                        CertificateKey = parse.GetValue(certificateKey),
                        WebRoot = WebRoot(parse.GetValue(web)),
                        Time = context.Time,
                        Log = line => context.Error.WriteLine(line),
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            await using (server)
            using (Watch(service, server, context))
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"nagare serve: {(server is null ? "no API" : $"API at {server.Address}")}, {service.Project.Pipelines.Count} pipeline(s), store {service.Store.Display}{(worker is null ? ", no worker" : $", a worker of {worker.Slots} slots")}; Ctrl+C stops")).ConfigureAwait(false);
                await service.ServeAsync(scheduler: true, worker, null, cancellationToken).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync("nagare serve: stopped").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Reads the project again when its files are edited by hand (through the server, so that such a reload and one
    /// made by an API call do not overlap). Null, after saying so, when the folder cannot be watched.
    /// </summary>
    private static ProjectWatcher? Watch(PipelineService service, NagareServer? server, CliContext context)
    {
        try
        {
            return new ProjectWatcher(
                service.Project.Root,
                async ct =>
                {
                    if (server is null)
                    {
                        await service.ReloadFromFilesAsync(ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await server.Context.ReloadEditedFilesAsync(ct).ConfigureAwait(false);
                    }
                },
                line => context.Error.WriteLine("nagare serve: " + line),
                context.Time);
        }
        catch (IOException e)
        {
            context.Error.WriteLine($"nagare serve: project files edited by hand are read again only after a restart ({e.Message})");
            return null;
        }
    }

    /// <summary>The built web UI: the option, NAGARE_WEB_ROOT, a copy beside the program, or web/dist of the checkout above it.</summary>
    internal static string? WebRoot(string? option)
    {
        if (option is not null)
        {
            return File.Exists(Path.Combine(option, "index.html"))
                ? Path.GetFullPath(option)
                : throw new NagareException($"--web {option}: no index.html there.") { Hint = "Build the web UI with scripts/bootstrap --web and pass its web/dist folder." };
        }

        if (Environment.GetEnvironmentVariable("NAGARE_WEB_ROOT") is { Length: > 0 } variable)
        {
            return variable;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "web");
        if (File.Exists(Path.Combine(beside, "index.html")))
        {
            return beside;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var dist = Path.Combine(folder.FullName, "web", "dist");
            if (File.Exists(Path.Combine(dist, "index.html")))
            {
                return dist;
            }
        }

        return null;
    }

    public static Command CreateWorker(CliContext context)
    {
        var options = new PipelineOptions();
        var slots = SlotsOption();
        var warehouse = new Option<bool>("--warehouse") { Description = "Also take the tasks that use the project's embedded DuckDB warehouse (only on the machine that has the file, and when no other process writes it)." };
        var lease = LeaseOption();
        var heartbeat = HeartbeatOption();
        var command = new Command("worker", "Run a worker until stopped: it takes ready tasks from the metadata store (usually a shared PostgreSQL store, --store postgresql://…).") { slots, warehouse, lease, heartbeat };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var worker = Checked(new WorkerOptions { Slots = parse.GetValue(slots), Warehouse = parse.GetValue(warehouse) }, parse, lease, heartbeat);
            await using var service = await options.OpenAsync(parse, context, verbose: true, cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"nagare worker {worker.Id}: {worker.Slots} slots, store {service.Store.Display}{(worker.Warehouse ? ", with the warehouse" : string.Empty)}; Ctrl+C stops")).ConfigureAwait(false);
            await service.ServeAsync(scheduler: false, worker, null, cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync("nagare worker: stopped").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string?> LeaseOption() => new("--lease")
    {
        Description = "How long a task this worker claimed stays its own without a heartbeat: after a crash, its tasks go to other workers this long after the last heartbeat (default 30s).",
    };

    private static Option<string?> HeartbeatOption() => new("--heartbeat")
    {
        Description = "How often the worker renews its leases and learns of cancelled runs (default 10s; shorter than --lease).",
    };

    /// <summary>The worker settings with <c>--lease</c> and <c>--heartbeat</c> applied, checked before anything starts.</summary>
    private static WorkerOptions Checked(WorkerOptions worker, ParseResult parse, Option<string?> lease, Option<string?> heartbeat)
    {
        if (worker.Slots < 1)
        {
            // A worker without slots would wait forever and never take a task.
            throw new NagareException(string.Create(CultureInfo.InvariantCulture, $"--slots must be at least 1; got {worker.Slots}."));
        }

        worker = worker with
        {
            Lease = Duration(parse.GetValue(lease), "--lease") ?? worker.Lease,
            Heartbeat = Duration(parse.GetValue(heartbeat), "--heartbeat") ?? worker.Heartbeat,
        };
        if (worker.Heartbeat >= worker.Lease)
        {
            throw new NagareException($"--heartbeat ({PipelineOptions.Duration(worker.Heartbeat)}) must be shorter than --lease ({PipelineOptions.Duration(worker.Lease)}): a lease would run out between two heartbeats and the worker's tasks would go to other workers while still running.");
        }

        return worker;
    }

    private static TimeSpan? Duration(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            var duration = DurationText.Parse(text);
            return duration > TimeSpan.Zero ? duration : throw new NagareException($"{option} must be longer than zero, e.g. {option} 30s.");
        }
        catch (FormatException e)
        {
            throw new NagareException($"{option}: {e.Message}");
        }
    }

    private static Option<int> SlotsOption() => new("--slots")
    {
        Description = "Tasks this worker runs at once (default 4).",
        DefaultValueFactory = _ => 4,
    };
}
