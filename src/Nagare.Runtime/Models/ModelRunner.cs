using Nagare.Core.Connectors;
using System.Diagnostics;
using Nagare.Connectors.DuckDb;
using Nagare.DuckDb;

namespace Nagare.Runtime.Models;

/// <summary>
/// Executes selected nodes in dependency order, up to <see cref="RunOptions.Threads"/> at once, each worker on its own
/// connection to the shared warehouse. A failure skips only its descendants; tests of a node run before its children
/// and a failing test (severity error) skips them too.
/// </summary>
public sealed class ModelRunner
{
    private readonly Manifest _manifest;
    private readonly RunOptions _options;

    public ModelRunner(Manifest manifest, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _manifest = manifest;
        _options = options ?? new RunOptions();
        manifest.Renderer.Flags["FULL_REFRESH"] = _options.FullRefresh;
    }

    /// <summary>The connection string of the target's warehouse (a private in-memory target is shared by name within the process).</summary>
    public static string ConnectionString(ModelProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var path = project.Target.DatabasePath;
        if (path == ":memory:")
        {
            path = ":memory:nagare-" + ProjectScanner.Hash(project.Root)[..12];
        }
        else if (!path.StartsWith(":memory:", StringComparison.Ordinal))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }

        return WarehouseFile.Apply(new DuckDbConnectionStringBuilder { DataSource = path }, project.WarehouseBlockSize).ConnectionString;
    }

    /// <summary>Opens a connection to the target's warehouse, as <paramref name="open"/> says (read-write, failing at once when another process holds it, by default).</summary>
    /// <exception cref="WarehouseLockedException">Another process holds the warehouse file.</exception>
    public static DuckDbConnection Open(ModelProject project, WarehouseOpenOptions? open = null)
    {
        var connection = WarehouseFile.Open(new DuckDbConnectionStringBuilder(ConnectionString(project)), open);
        try
        {
            // What a read-only connection reads was compressed when written: the setting concerns writers only.
            if (open is not { ReadOnly: true })
            {
                WarehouseFile.ApplyCompression(connection, project.WarehouseCompression);
            }

            // Validated as an IANA name when the project was loaded; quoted all the same.
            if (project.TimeZone is { } zone)
            {
                connection.ExecuteNonQuery($"SET TimeZone = '{zone.Replace("'", "''", StringComparison.Ordinal)}'");
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>Runs the given nodes (sources and ephemeral models are skipped silently: they are not built).</summary>
    public async Task<RunResults> RunAsync(IReadOnlySet<string> selected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var started = _options.Time.GetTimestamp();
        var run = selected.Select(id => _manifest.Nodes[id]).Where(n => n.Type is not (NodeType.Source or NodeType.Analysis or NodeType.Operation) && !n.IsEphemeral).ToDictionary(n => n.UniqueId, StringComparer.Ordinal);
        var parents = run.Values.ToDictionary(n => n.UniqueId, n => EffectiveParents(n, run), StringComparer.Ordinal);

        // Single-parent tests gate the children of the node they test, as in dbt build.
        var gates = run.Values.Where(n => n.Type == NodeType.Test && n.DependsOn.Count == 1).GroupBy(n => n.DependsOn[0]).ToDictionary(g => g.Key, g => g.Select(t => t.UniqueId).ToList(), StringComparer.Ordinal);
        foreach (var node in run.Values.Where(n => n.Type != NodeType.Test))
        {
            foreach (var parent in parents[node.UniqueId].ToList())
            {
                if (gates.TryGetValue(parent, out var tests))
                {
                    parents[node.UniqueId].UnionWith(tests);
                }
            }
        }

        var children = run.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        var remaining = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, ps) in parents)
        {
            remaining[id] = ps.Count;
            foreach (var p in ps)
            {
                children[p].Add(id);
            }
        }

        EnsureSchemas(run.Values);

        // One time for every snapshot of the run, as dbt takes it once per snapshot statement.
        var snapshotTime = _options.Time.GetUtcNow();
        var results = new List<NodeResult>();
        var hooks = new ProjectHooks(_manifest, _options);
        var schemas = run.Values.Where(n => n.Schema.Length > 0).Select(n => n.Schema).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!hooks.Run("on-run-start", _manifest.Project.OnRunStart, schemas, results, r => _options.Progress?.Invoke(r)))
        {
            foreach (var node in run.Values.OrderBy(n => n.UniqueId, StringComparer.Ordinal))
            {
                var skipped = new NodeResult(node.UniqueId, node.Name, node.Type, NodeStatus.Skip, null, 0, "skipped: on-run-start failed");
                results.Add(skipped);
                _options.Progress?.Invoke(skipped);
            }

            return new RunResults(results, _options.Time.GetElapsedTime(started).TotalSeconds);
        }

        var failed = new HashSet<string>(StringComparer.Ordinal);
        var ready = new Queue<string>(run.Keys.Where(id => remaining[id] == 0).OrderBy(Priority));
        var gate = new object();
        var pending = run.Count;

        void Complete(string id, NodeResult? result, bool failure)
        {
            lock (gate)
            {
                if (result is not null)
                {
                    results.Add(result);
                    _options.Progress?.Invoke(result);
                }

                if (failure)
                {
                    failed.Add(id);
                }

                pending--;
                foreach (var child in children[id])
                {
                    if (--remaining[child] == 0)
                    {
                        ready.Enqueue(child);
                    }
                }

                Monitor.PulseAll(gate);
            }
        }

        var threads = Math.Max(1, _options.Threads);
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
        {
            using var connection = Open(_manifest.Project, _options.Warehouse);

            // Cancelling interrupts the statement running on this connection; DuckDB rolls it back.
            using var interrupt = cancellationToken.Register(connection.Interrupt);
            var materializer = new Materializer(_manifest, connection, _options.FullRefresh) { SnapshotTime = snapshotTime };
            while (true)
            {
                string id;
                bool skip;
                lock (gate)
                {
                    while (pending > 0 && ready.Count == 0)
                    {
                        Monitor.Wait(gate, 200);
                    }

                    if (pending == 0)
                    {
                        return;
                    }

                    id = ready.Dequeue();
                    skip = parents[id].Any(failed.Contains);
                }

                var node = run[id];
                if (cancellationToken.IsCancellationRequested)
                {
                    Complete(id, new NodeResult(id, node.Name, node.Type, NodeStatus.Cancelled, null, 0, "cancelled before it started"), failure: true);
                    continue;
                }

                if (skip)
                {
                    var reason = $"skipped: {string.Join(", ", parents[id].Where(failed.Contains).Select(p => _manifest.Nodes[p].Name))} failed";
                    Complete(id, new NodeResult(id, node.Name, node.Type, NodeStatus.Skip, null, 0, reason), failure: true);
                    continue;
                }

                var result = Execute(materializer, node);
                if (result.IsFailure && cancellationToken.IsCancellationRequested)
                {
                    result = result with { Status = NodeStatus.Cancelled, Message = "cancelled while running (rolled back)" };
                }

                Complete(id, result, result.IsFailure || result.Status == NodeStatus.Cancelled);
            }
        }, CancellationToken.None)).ToList();

        // A cancelled run still returns what each node did, so the summary can say which were cancelled.
        await Task.WhenAll(workers).ConfigureAwait(false);
        if (!cancellationToken.IsCancellationRequested)
        {
            hooks.Run("on-run-end", _manifest.Project.OnRunEnd, schemas, results, r => _options.Progress?.Invoke(r));
        }

        return new RunResults(results, _options.Time.GetElapsedTime(started).TotalSeconds);
    }

    private static int Priority(string id) => id.StartsWith("seed.", StringComparison.Ordinal) ? 0 : 1;

    private NodeResult Execute(Materializer materializer, ModelNode node)
    {
        var start = _options.Time.GetTimestamp();
        try
        {
            if (node.Type == NodeType.Test)
            {
                var outcome = materializer.Test(node);

                // As dbt decides: error_if counts only at severity error; warn_if makes a warning either way.
                var status = outcome.ShouldError && node.Config.Severity != "warn" ? NodeStatus.Fail : outcome.ShouldWarn ? NodeStatus.Warn : NodeStatus.Pass;
                return new NodeResult(node.UniqueId, node.Name, node.Type, status, outcome.Failures, Elapsed(start), status == NodeStatus.Pass ? null : outcome.Message)
                {
                    SampleColumns = outcome.Columns,
                    SampleRows = outcome.Samples,
                };
            }

            var rows = materializer.Build(node);
            return new NodeResult(node.UniqueId, node.Name, node.Type, NodeStatus.Ok, rows, Elapsed(start), null);
        }
        catch (Exception e) when (e is DuckDbException or ModelProjectException)
        {
            var message = e is DuckDbException
                ? SqlErrorLocation.Describe(node, e.Message, Manifest.CompiledDisplayPath(_manifest.Project, node))
                : e.Message;
            return new NodeResult(node.UniqueId, node.Name, node.Type, NodeStatus.Error, null, Elapsed(start), message);
        }
    }

    private double Elapsed(long start) => _options.Time.GetElapsedTime(start).TotalSeconds;

    private HashSet<string> EffectiveParents(ModelNode node, Dictionary<string, ModelNode> run)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(node.DependsOn);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id))
            {
                continue;
            }

            if (run.ContainsKey(id))
            {
                result.Add(id);
            }
            else if (_manifest.Nodes.TryGetValue(id, out var parent) && parent.IsEphemeral)
            {
                foreach (var p in parent.DependsOn)
                {
                    stack.Push(p);
                }
            }
        }

        return result;
    }

    /// <summary>Creates the schemas up front, one at a time: concurrent CREATE SCHEMA would conflict.</summary>
    private void EnsureSchemas(IEnumerable<ModelNode> nodes)
    {
        // Tests have a schema only when they store their failures.
        var schemas = nodes.Where(n => n.Schema.Length > 0).Select(n => n.Schema).Distinct(StringComparer.Ordinal).ToList();
        if (schemas.Count == 0)
        {
            return;
        }

        using var connection = Open(_manifest.Project, _options.Warehouse);
        foreach (var schema in schemas)
        {
            connection.ExecuteNonQuery($"create schema if not exists {ProjectScanner.Quote(schema)}");
        }
    }
}
