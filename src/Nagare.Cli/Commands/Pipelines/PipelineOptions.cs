using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Nagare.Core;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Cli.Commands.Pipelines;

/// <summary>The options every pipeline command shares (<c>--project</c>, <c>--store</c>) and how they open the pipeline service.</summary>
internal sealed class PipelineOptions
{
    /// <summary>The environment variable naming the metadata store when <c>--store</c> is not given.</summary>
    public const string StoreVariable = "NAGARE_STORE";

    public Option<string> Project { get; } = ProjectOption.Create();

    public Option<string?> Store { get; } = new("--store")
    {
        Description = $"Metadata store: postgresql://user:password@host:5432/db, or a SQLite file (default: ${StoreVariable}, else .nagare/metadata.db in the project).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Project);
        command.Options.Add(Store);
    }

    public PipelineService Open(ParseResult parse, CliContext context, bool verbose = false)
    {
        var location = parse.GetValue(Store) ?? Environment.GetEnvironmentVariable(StoreVariable);
        var project = ProjectOption.Load(parse, Project, context, location);
        var store = MetadataStore.Open(location, project.Root);
        return new PipelineService(project, store, ConnectorRegistry.Default, context.Time)
        {
            Log = verbose ? line => context.Error.WriteLine(line) : null,
        };
    }

    /// <summary>
    /// Opens the service and reaches its store once, so that a store that cannot be reached (nothing listening, a wrong
    /// password, a folder that cannot be written) is one line naming it instead of an internal error later on.
    /// </summary>
    public async Task<PipelineService> OpenAsync(ParseResult parse, CliContext context, bool verbose, CancellationToken cancellationToken)
    {
        var service = Open(parse, context, verbose);
        try
        {
            await service.Store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return service;
        }
        catch (DbException e)
        {
            await service.DisposeAsync().ConfigureAwait(false);
            var cause = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;
            throw new NagareException($"Cannot use the metadata store {service.Store.Display}: {cause}", e);
        }
    }

    /// <summary>Reads <c>--param k=v</c> values.</summary>
    public static Dictionary<string, string> Parameters(IEnumerable<string>? values)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new NagareException($"--param '{value}' should be NAME=VALUE, e.g. --param target_date=2026-12-01.");
            }

            parameters[value[..eq].Trim()] = value[(eq + 1)..];
        }

        return parameters;
    }

    public static Option<string[]> ParamOption() => new("--param")
    {
        Description = "A parameter for this run, NAME=VALUE (repeatable); checked against the parameter's type.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static DateOnly? ParseDate(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new NagareException($"{option} '{text}' is not a date; write yyyy-MM-dd, e.g. 2026-12-01.");

    /// <summary>A time in a zone as people read it: <c>2026-12-06 08:00:00 +09:00</c>.</summary>
    public static string Format(DateTimeOffset? time, TimeZoneInfo zone) =>
        time is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) : "-";

    public static string Duration(DateTimeOffset? start, DateTimeOffset? end, DateTimeOffset now) =>
        start is not { } s ? "-" : Duration((end ?? now) - s);

    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
        : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0}s");

    public static TimeZoneInfo ZoneOf(ProjectConfig project, string pipeline) =>
        project.Pipelines.TryGetValue(pipeline, out var config) ? RunPlanner.ZoneOf(config) : TimeZoneInfo.Utc;

    public static int ExitCode(RunRecord run) => run.State switch
    {
        RunStates.Succeeded => ExitCodes.Success,
        RunStates.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.UserError,
    };
}
