using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Nagare.Connectors.Files;
using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;
using Nagare.DuckDb;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Models;

namespace Nagare.Runtime.Activations;

/// <summary>
/// Lists, plans (dry run) and runs the project's activations: the one entry point of the CLI, pipeline steps and a
/// server. A run computes its records in the warehouse (<see cref="ActivationDiff"/>), sends them through the
/// destination's <see cref="IActivationTarget"/>, and advances the snapshot of delivered records only after the
/// destination committed, so a failed or killed run is sent again, whole, by the next one.
/// </summary>
public sealed class ActivationService
{
    private readonly ProjectConfig project;
    private readonly ConnectorRegistry registry;
    private readonly TimeProvider time;

    /// <summary>A service for <paramref name="project"/>'s activations.</summary>
    public ActivationService(ProjectConfig project, ConnectorRegistry registry, TimeProvider time)
    {
        this.project = project ?? throw new ArgumentNullException(nameof(project));
        this.registry = registry ?? throw new ArgumentNullException(nameof(registry));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The project's activations, by name, and those left out because their files have problems.</summary>
    public Task<IReadOnlyList<ActivationSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var list = project.Activations.Values
            .Select(a => new ActivationSummary(a.Name, a.Destination.Display, a.Destination.Mode.ToString().ToLowerInvariant(), a.Description, a.Location.ToString(), null) { DestinationType = a.Destination.Type })
            .Concat(project.Broken.Where(b => b.Kind == "activation").Select(b => new ActivationSummary(b.Name, null, null, null, b.File, b.Problem.Message)))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<ActivationSummary>>(list);
    }

    /// <summary>What a run would send now (exact counts and sample records); sends nothing and leaves the snapshot as it is.</summary>
    /// <exception cref="Core.NagareException">The activation cannot run (configuration, query, a record that does not convert); the message says why.</exception>
    public async Task<ActivationPlan> PlanAsync(string name, ActivationRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var activation = project.GetActivation(name);
        var (created, types, sql, opened) = await OpenAsync(activation, options, cancellationToken).ConfigureAwait(false);
        await using var target = created;
        using var warehouse = opened;
        var (computed, plan) = Compute(warehouse, activation, sql, types, options, checkKeyValues: true);
        using var diff = computed;
        if (target is IActivationPreview preview && plan.HasChanges && options.SampleSize > 0)
        {
            var delivery = new ActivationDelivery(activation, plan, diff, TemplateContext(activation, options));
            plan = plan with { Requests = await preview.PreviewAsync(delivery, Math.Min(options.SampleSize, 3), cancellationToken).ConfigureAwait(false) };
        }

        return plan;
    }

    /// <summary>Runs the activation: computes its records, sends them, and records what was delivered.</summary>
    /// <exception cref="Core.NagareException">The activation failed; nothing it sent is recorded as delivered.</exception>
    public async Task<ActivationResult> RunAsync(string name, ActivationRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.StartNew();
        var stamp = new ActivationRunStamp(options.RunId, time.GetUtcNow());
        var activation = project.GetActivation(name);
        var (created, types, sql, opened) = await OpenAsync(activation, options, cancellationToken).ConfigureAwait(false);
        await using var target = created;
        using var warehouse = opened;
        // A destination that commits once is sent the records while a second connection checks the keys and writes the
        // snapshot (a check that fails stops the send before the commit); for the others the keys are checked first.
        var checksBeside = target is DatabaseTarget && !activation.Destination.Key.IsEmpty;
        var (computed, plan) = Compute(warehouse, activation, sql, types, options with { SampleSize = 0 }, checkKeyValues: !checksBeside);
        using var diff = computed;
        options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{plan.ResultRows:N0} records in the result: {plan.Inserts:N0} to insert, {plan.Updates:N0} to update, {plan.Deletes:N0} to delete, {plan.Unchanged:N0} unchanged{(plan.SendsAll ? "; sending the whole result" : string.Empty)}"));
        ActivationResult result;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var checking = checksBeside && plan.HasChanges ? Translate(activation, () => diff.StartBeside(plan, work => Translate(activation, work), stop.Cancel)) : null;
        if (checksBeside && !plan.HasChanges)
        {
            Translate(activation, () => diff.CheckKeyValues());
        }

        if (plan.HasChanges)
        {
            var delivery = new ActivationDelivery(activation, plan, diff, TemplateContext(activation, options)) { Checked = checking?.Checked };
            try
            {
                result = await target.SendAsync(delivery, stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (checking is not null)
            {
                // A failed key check is why the send stopped, or a truer reason than the destination's own complaint.
                await checking.Checked.ConfigureAwait(false);
                throw;
            }

            options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{(result.Receipts is null ? "committed to" : "answered by")} {activation.Destination.Display}: {result.Inserted:N0} inserted, {result.Updated:N0} updated, {result.Deleted:N0} deleted{(result.Receipts is { } r ? $", {r.Rejected:N0} rejected, {r.Requests:N0} request(s)" : string.Empty)}{(result.Files > 0 ? $", {result.Files:N0} file(s), {result.Bytes:N0} bytes" : string.Empty)}"));
        }
        else
        {
            result = new ActivationResult(plan, 0, 0, 0, 0, 0, 0, null, 0);
            options.Progress?.Invoke("nothing changed since the last delivered run; nothing sent");
        }

        if (plan.HasChanges || plan.FirstRun)
        {
            // The destination has committed: from here the snapshot must follow, whatever the caller's token says.
            if (!Translate(activation, () => checking?.CommitSnapshot() == true))
            {
                Translate(activation, () => diff.SaveSnapshot(plan, result.Receipts, stamp));
            }
        }

        if (result.Receipts?.Failure is { } failure)
        {
            // What was confirmed before the run stopped is recorded (above); the rest is sent again by the next run.
            ExceptionDispatchInfo.Throw(failure);
        }

        return result with { Seconds = started.Elapsed.TotalSeconds };
    }

    /// <summary>The records the destination of <paramref name="name"/> rejected and no later run delivered, newest first (at most <paramref name="limit"/>), and how many there are.</summary>
    public Task<ActivationRejectedRecords> RejectedAsync(string name, int limit, ActivationRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var activation = project.GetActivation(name);
        using var warehouse = OpenWarehouse(options, cancellationToken);
        return Task.FromResult(Translate(activation, () => ActivationRejectedRecords.Read(warehouse, activation.Name, limit)));
    }

    /// <summary>Forgets what <paramref name="name"/> delivered: its next run sends the whole result as to a new destination.</summary>
    public Task ResetAsync(string name, ActivationRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var activation = project.GetActivation(name);
        using var warehouse = OpenWarehouse(options, cancellationToken);
        Translate(activation, () => ActivationDiff.Forget(warehouse, activation.Name));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Creates and describes the destination (for a database: connects and reads the table's columns) while the source
    /// query runs and the warehouse opens. Neither needs the other, and a connection's first use in a process costs tens
    /// of milliseconds. A destination that cannot be described is reported first, as when the two ran one after the other.
    /// </summary>
    private async Task<(IActivationTarget Target, IReadOnlyDictionary<string, Core.Types.ColumnType> Types, string Sql, DuckDbConnection Warehouse)> OpenAsync(ActivationConfig activation, ActivationRunOptions options, CancellationToken cancellationToken)
    {
        var describing = Task.Run(
            async () =>
            {
                var target = CreateTarget(activation, options);
                try
                {
                    return (Target: target, Types: await target.DescribeAsync(cancellationToken).ConfigureAwait(false));
                }
                catch
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            cancellationToken);
        string sql;
        DuckDbConnection warehouse;
        try
        {
            sql = await SourceQueryAsync(activation, options, cancellationToken).ConfigureAwait(false);
            warehouse = OpenWarehouse(options, cancellationToken);
        }
        catch (Exception)
        {
            // Throws the destination's own failure when it has one; otherwise this exception goes on.
            var (target, _) = await describing.ConfigureAwait(false);
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            var (target, types) = await describing.ConfigureAwait(false);
            return (target, types, sql, warehouse);
        }
        catch
        {
            warehouse.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The query the run computes its records from, on the warehouse. A query on another connection (an application
    /// database) is streamed into a warehouse table of its own first, replaced whole each run, so that the diff, the
    /// snapshot and every destination work as they do for warehouse data.
    /// </summary>
    private async Task<string> SourceQueryAsync(ActivationConfig activation, ActivationRunOptions options, CancellationToken cancellationToken)
    {
        if (activation.Source == ProjectConfig.WarehouseConnection)
        {
            return activation.Query ?? ModelRelation(activation);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(project.WarehousePath)!);
        await using var connection = registry.Create(project, project.GetConnection(activation.Source).Name, time, options.LockWait);
        var statements = connection as Core.Connectors.ISqlStatements
            ?? throw new ActivationException($"Activation '{activation.Name}' ({activation.Location}): connection '{activation.Source}' does not run queries.");
        var table = ActivationTables.Source(activation.Name);
        try
        {
            await statements.ReadQueryAsync(activation.Query!, (reader, ct) => Pipelines.WarehouseTableLoader.LoadAsync(project.WarehousePath, options.LockWait, $"{ActivationDiff.Schema}.{activation.Name}__source", reader, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Core.NagareException e) when (e is not ActivationException)
        {
            throw new ActivationException($"Activation '{activation.Name}' ({activation.Location}): the query on '{activation.Source}' failed: {e.Message}", e);
        }

        return "SELECT * FROM " + table;
    }

    private (ActivationDiff Diff, ActivationPlan Plan) Compute(DuckDbConnection warehouse, ActivationConfig activation, string sql, IReadOnlyDictionary<string, Core.Types.ColumnType> types, ActivationRunOptions options, bool checkKeyValues)
    {
        return Translate(activation, () =>
        {
            var diff = ActivationDiff.Prepare(warehouse, activation, sql, types, checkKeyValues);
            try
            {
                return (diff, Plan(diff, activation, options));
            }
            catch
            {
                diff.Dispose();
                throw;
            }
        });
    }

    private static ActivationPlan Plan(ActivationDiff diff, ActivationConfig activation, ActivationRunOptions options)
    {
        var plan = diff.Plan(options.Full, options.SampleSize, options.RetryRejected);
        if (options.RetryRejected && (plan.FirstRun || activation.Destination is not Http.HttpDestination))
        {
            throw new ActivationException(activation.Destination is Http.HttpDestination
                ? $"Activation '{activation.Name}': nothing was delivered to {activation.Destination.Display} yet (or the activation changed since), so there are no rejected records to send again; run it without --retry-rejected."
                : $"Activation '{activation.Name}': {activation.Destination.Display} takes all records or none, so it rejects none; run it without --retry-rejected.");
        }

        return plan;
    }

    private string ModelRelation(ActivationConfig activation)
    {
        var manifest = ModelCompiler.Compile(ModelProject.Load(project), new CompileOptions { WriteArtifacts = false }, CancellationToken.None);
        var node = manifest.Find(activation.Model!);
        return node is { RelationName.Length: > 0 }
            ? "SELECT * FROM " + node.RelationName
            : throw new ActivationException($"Activation '{activation.Name}' ({activation.Location}): no model named '{activation.Model}'.");
    }

    private DuckDbConnection OpenWarehouse(ActivationRunOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(project.WarehousePath)!);
        return Warehouse.Open(project.WarehousePath, new WarehouseOpenOptions { Wait = options.LockWait }, cancellationToken);
    }

    private IActivationTarget CreateTarget(ActivationConfig activation, ActivationRunOptions options) => activation.Destination switch
    {
        DatabaseDestination database => new DatabaseTarget(database, registry.Create(project, database.Connection, time, options.LockWait) as IDestination
            ?? throw new ActivationException($"Activation '{activation.Name}': connection '{database.Connection}' cannot be written to.")),
        FilesDestination files => new FilesTarget(files, new LocalFolderStorage(files.Path), time),
        S3Destination s3 => new FilesTarget(s3.Files, new S3ExportStorage(new S3ObjectStore(s3.StorageOptions(), time), Path.Combine(project.Root, ".nagare", "exports"), time), time),
        Http.HttpDestination http => new Http.HttpTarget(activation.Name, http, time),
        var other => throw new ActivationException($"Activation '{activation.Name}': destination type {other.GetType().Name} is not supported in this version."),
    };

    private Dictionary<string, object?> TemplateContext(ActivationConfig activation, ActivationRunOptions options)
    {
        var now = time.GetUtcNow();
        var date = options.RunDate ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, ZoneOf(project.Models.TimeZone)).DateTime);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["activation"] = activation.Name,
            ["run_date"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["run_date_nodash"] = date.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["run_id"] = options.RunId,
            ["ts"] = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture),
        };
    }

    private static TimeZoneInfo ZoneOf(string? zone) => zone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zone);

    private static T Translate<T>(ActivationConfig activation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DuckDbException e)
        {
            throw new ActivationException($"Activation '{activation.Name}': the warehouse refused a statement: {e.Message}", e);
        }
    }

    private static void Translate(ActivationConfig activation, Action action) => Translate(activation, () =>
    {
        action();
        return true;
    });
}
