using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Models;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// Runs one claimed task: its step's templates rendered with the run's parameters, built-ins and item, then the sync,
/// build, test, SQL or program it names. Lines for the task's log go to the given writer; failure is an exception
/// whose message becomes the attempt's error.
/// </summary>
public sealed class StepRunner
{
    /// <summary>Most items a fan-out query may give.</summary>
    public const int MaxFanOutItems = 100_000;

    private readonly ProjectConfig project;
    private readonly ConnectorRegistry registry;
    private readonly TimeProvider time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, StepConfig>> stepsByName = new(StringComparer.Ordinal);

    /// <summary>A runner for the project's pipelines.</summary>
    public StepRunner(ProjectConfig project, ConnectorRegistry registry, TimeProvider time)
    {
        this.project = project ?? throw new ArgumentNullException(nameof(project));
        this.registry = registry ?? throw new ArgumentNullException(nameof(registry));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>How long a task waits for the warehouse file while another process holds it (a person's query, say).</summary>
    public TimeSpan WarehouseWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs the task.</summary>
    /// <exception cref="NagareException">The step failed; the message says why.</exception>
    public async Task<StepResult> RunAsync(ClaimedTask task, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(log);
        var pipeline = project.GetPipeline(task.Pipeline);
        var steps = stepsByName.GetOrAdd(pipeline.Name, _ => pipeline.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal));
        var step = steps.GetValueOrDefault(task.Step)
            ?? throw new PipelineException($"Pipeline '{pipeline.Name}' has no step '{task.Step}' any more ({pipeline.Location}); re-run the pipeline.");
        var context = RunArguments.FromJson(task.ParamsJson).TemplateContext(pipeline.Name, task.RunId, task.Item);
        string Render(string text, string what) => RunPlanner.Render(text, context, $"{what} of step '{step.Name}' ({step.Location})");

        if (task.Expand)
        {
            var query = Render(step.ForEach!.Query!, "the for_each query");
            var items = await QueryColumnAsync(Render(step.ForEach.QueryConnection, "the for_each connection"), query, cancellationToken).ConfigureAwait(false);
            log($"for_each query gave {items.Count:N0} item(s)");
            return new StepResult(Items: items);
        }

        return step.Kind switch
        {
            StepKind.Sync => await SyncAsync(step, context, Render, log, cancellationToken).ConfigureAwait(false),
            StepKind.Build or StepKind.Test => await BuildAsync(step, context, Render, log, cancellationToken).ConfigureAwait(false),
            StepKind.Sql => await SqlAsync(step, Render, log, cancellationToken).ConfigureAwait(false),
            StepKind.Command => await CommandAsync(step, Render, log, cancellationToken).ConfigureAwait(false),
            _ => await ActivateAsync(step, task, context, Render, log, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<StepResult> ActivateAsync(StepConfig step, ClaimedTask task, Dictionary<string, object?> context, Func<string, string, string> render, Action<string> log, CancellationToken cancellationToken)
    {
        var name = render(step.Target!, "the activation name");
        var runDate = context.TryGetValue("logical_date", out var date) && DateOnly.TryParse(Convert.ToString(date, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, out var parsed) ? parsed : (DateOnly?)null;
        var options = new ActivationRunOptions(runDate) { RunId = task.RunId, LockWait = WarehouseWait, Progress = log, Full = step.FullRefresh, RetryRejected = step.RetryRejected };
        var result = await new ActivationService(project, registry, time).RunAsync(name, options, cancellationToken).ConfigureAwait(false);
        log(ActivationLine(result));
        return new StepResult(result.Sent, result.Files > 0 ? result.Bytes : null);
    }

    /// <summary>One line saying what a run of an activation sent: the counts the task log and the CLI show.</summary>
    public static string ActivationLine(ActivationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var files = result.Files > 0 ? string.Create(CultureInfo.InvariantCulture, $", files={result.Files}, bytes={result.Bytes}, manifest={result.Manifest}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"activation '{result.Plan.Activation}' -> {result.Plan.Destination} ({result.Plan.Mode}): inserted={result.Inserted}, updated={result.Updated}, deleted={result.Deleted}, rejected={result.Rejected}, unchanged={result.Plan.Unchanged}{files} in {result.Seconds:0.00} s");
    }

    private async Task<StepResult> SyncAsync(StepConfig step, Dictionary<string, object?> context, Func<string, string, string> render, Action<string> log, CancellationToken cancellationToken)
    {
        var name = render(step.Target!, "the sync name");
        var sync = project.GetSync(name);
        var config = project;
        if (step.Source is { } source)
        {
            var connection = project.GetConnection(render(source, "the source"));
            ImmutableArray<string> sources = connection.Shards.IsEmpty ? [connection.Name] : connection.Shards;
            config = project with { Syncs = project.Syncs.SetItem(name, sync with { Source = sources[0], Sources = sources }) };
            log($"source: {connection.Name}");
        }

        // The run's parameters are the sync's query variables: {{ since }} in a stream's custom sql.
        var vars = ((Dictionary<string, object?>)context["params"]!).ToImmutableDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal);
        // An empty selection is no selection: the ad-hoc sync pipelines pass their `select` parameter, empty for all.
        var options = new SyncRunOptions(Select: step.Streams is { } s && render(s, "streams") is { Length: > 0 } streams ? streams : null, FullRefresh: step.FullRefresh, Vars: vars.IsEmpty ? null : vars)
        {
            LockWait = WarehouseWait,
            StreamFinished = r => log(string.Create(CultureInfo.InvariantCulture, $"{r.Status.ToString().ToLowerInvariant()} {r.Stream} -> {r.Table}: {r.RowsWritten:N0} rows in {r.Seconds:0.00} s{(r.Message is null ? string.Empty : " · " + r.Message)}")),
        };
        var summary = await new SyncRunner(config, registry, time).RunAsync(name, options, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (!summary.Succeeded)
        {
            var failed = summary.Streams.Where(r => r.Status != StreamStatus.Succeeded).ToList();
            throw new PipelineException($"sync '{name}': {failed.Count} of {summary.Streams.Length} stream(s) failed; first: {failed[0].Stream}: {failed[0].Message}");
        }

        log(string.Create(CultureInfo.InvariantCulture, $"sync '{name}': {summary.Streams.Length} stream(s), {summary.RowsWritten:N0} rows"));
        return new StepResult(summary.RowsWritten);
    }

    private async Task<StepResult> BuildAsync(StepConfig step, Dictionary<string, object?> context, Func<string, string, string> render, Action<string> log, CancellationToken cancellationToken)
    {
        // Models see the run's parameters as variables: {{ var('target_date') }}.
        var vars = ((Dictionary<string, object?>)context["params"]!).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var models = ModelProject.Load(project, null, vars);
        var manifest = ModelCompiler.Compile(models, new CompileOptions { Log = log, WriteArtifacts = false }, cancellationToken);
        var selector = step.Target is { } t && render(t, "the selector") is { Length: > 0 } rendered ? rendered : null;
        var selected = NodeSelector.Select(manifest, selector is null ? null : selector.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(id => step.Kind == StepKind.Build || manifest.Nodes[id].Type == NodeType.Test)
            .ToHashSet(StringComparer.Ordinal);
        var runner = new ModelRunner(manifest, new RunOptions
        {
            Threads = models.Target.Threads ?? 1,
            FullRefresh = step.FullRefresh,
            Warehouse = new Core.Connectors.WarehouseOpenOptions { Wait = WarehouseWait },
            Time = time,
            Progress = r => log(string.Create(CultureInfo.InvariantCulture, $"{r.Status.ToString().ToUpperInvariant()} {r.Type.ToString().ToLowerInvariant()} {r.Name} · {r.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"} rows · {r.Seconds:0.00} s{(r.Message is null ? string.Empty : " · " + r.Message)}")),
        });
        var results = await runner.RunAsync(selected, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        log(string.Join(", ", Enum.GetValues<NodeStatus>().Where(s => results.Count(s) > 0).Select(s => $"{s.ToString().ToUpperInvariant()}={results.Count(s)}")));
        if (!results.Success)
        {
            var failures = results.Results.Where(r => r.IsFailure).ToList();
            throw new PipelineException($"{(step.Kind == StepKind.Test ? "test" : "build")} '{selector ?? "(all)"}': {failures.Count} node(s) failed; first: {failures[0].Name}: {failures[0].Message}");
        }

        return new StepResult(results.Results.Sum(r => r.Rows ?? 0));
    }

    private async Task<StepResult> SqlAsync(StepConfig step, Func<string, string, string> render, Action<string> log, CancellationToken cancellationToken)
    {
        var text = step.File is { } file
            ? await File.ReadAllTextAsync(Path.Combine(project.Root, file), cancellationToken).ConfigureAwait(false)
            : step.Target!;
        var sql = render(text, step.File is null ? "the SQL" : $"the SQL file {step.File}");
        var connectionName = render(step.Connection, "the connection");
        if (step.Into is { } into && connectionName == ProjectConfig.WarehouseConnection)
        {
            // A query of the warehouse into the warehouse: DuckDB creates and replaces the table in one statement.
            sql = WarehouseTableLoader.ReplaceWithQuery(render(into, "the table"), sql);
        }

        await using var connection = registry.Create(project, project.GetConnection(connectionName).Name, time, WarehouseWait);
        var statements = connection as ISqlStatements
            ?? throw new PipelineException($"Step '{step.Name}' ({step.Location}): connection '{connectionName}' ({connection.GetType().Name}) does not run SQL statements.");
        if (step.Into is { } target && connectionName != ProjectConfig.WarehouseConnection)
        {
            var table = render(target, "the table");
            var loaded = await statements.ReadQueryAsync(sql, (reader, ct) => WarehouseTableLoader.LoadAsync(project.WarehousePath, WarehouseWait, table, reader, ct), cancellationToken).ConfigureAwait(false);
            log(string.Create(CultureInfo.InvariantCulture, $"{loaded:N0} row(s) from {connectionName} into {table} (replaced)"));
            return new StepResult(loaded);
        }

        var rows = await statements.ExecuteSqlAsync(sql, cancellationToken).ConfigureAwait(false);
        log(string.Create(CultureInfo.InvariantCulture, $"SQL on {connectionName}: {rows:N0} row(s) changed"));
        return new StepResult(rows);
    }

    private async Task<IReadOnlyList<string>> QueryColumnAsync(string connectionName, string query, CancellationToken cancellationToken)
    {
        await using var connection = registry.Create(project, project.GetConnection(connectionName).Name, time, WarehouseWait);
        var statements = connection as ISqlStatements
            ?? throw new PipelineException($"Connection '{connectionName}' does not run SQL queries; a for_each query needs a SQL connection.");
        return await statements.QueryColumnAsync(query, MaxFanOutItems, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StepResult> CommandAsync(StepConfig step, Func<string, string, string> render, Action<string> log, CancellationToken cancellationToken)
    {
        var argv = step.Command.Select((a, i) => render(a, i == 0 ? "the program" : $"argument {i}")).ToImmutableArray();
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = step.WorkingDirectory is { } dir ? Path.GetFullPath(dir, project.Root) : project.Root,
        };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in step.Environment)
        {
            start.Environment[name] = render(value, $"env {name}");
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PipelineException($"Step '{step.Name}' ({step.Location}) cannot start '{argv[0]}': {e.Message}", e);
        }

        process.StandardInput.Close();
        // The last lines of standard error go into the failure's message: "exited with code 1" alone rarely says why.
        var lastErrors = new Queue<string>();
        var output = PumpAsync(process.StandardOutput, log);
        var errors = PumpAsync(process.StandardError, line =>
        {
            log(line);
            lock (lastErrors)
            {
                lastErrors.Enqueue(line);
                if (lastErrors.Count > 5)
                {
                    lastErrors.Dequeue();
                }
            }
        });
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(output, errors).ConfigureAwait(false);

        // Closed here, not left to finalizers: ten thousand commands' pipes kept the finalizer thread busier than the work.
        process.StandardOutput.Dispose();
        process.StandardError.Dispose();
        if (process.ExitCode != 0)
        {
            string tail;
            lock (lastErrors)
            {
                tail = string.Join(" | ", lastErrors.Where(l => l.Length > 0));
            }

            throw new PipelineException($"'{argv[0]}' exited with code {process.ExitCode}{(tail.Length == 0 ? string.Empty : ": " + tail)}");
        }

        return new StepResult();
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> log)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            log(line);
        }
    }
}
