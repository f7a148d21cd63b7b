using System.Globalization;
using Nagare.DuckDb;

namespace Nagare.Runtime.Models;

/// <summary>
/// dbt's <c>on-run-start</c> and <c>on-run-end</c>: SQL (Jinja) run before the first node and after the last, each
/// reported as an operation. A failing start hook skips the nodes; end hooks run even after failures and see
/// <c>results</c>.
/// </summary>
internal sealed class ProjectHooks
{
    private readonly Manifest _manifest;
    private readonly RunOptions _options;

    public ProjectHooks(Manifest manifest, RunOptions options)
    {
        _manifest = manifest;
        _options = options;
    }

    /// <summary>Runs the hooks of <paramref name="kind"/> in order, adding one result each; false when one failed (the rest are not run).</summary>
    public bool Run(string kind, IReadOnlyList<string> hooks, IReadOnlyList<string> schemas, List<NodeResult> results, Action<NodeResult> report)
    {
        if (hooks.Count == 0)
        {
            return true;
        }

        var project = _manifest.Project;
        using var connection = ModelRunner.Open(project, _options.Warehouse);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["schemas"] = schemas.Cast<object?>().ToList(),
            ["database_schemas"] = schemas.Select(s => (object?)new List<object?> { project.Target.Database, s }).ToList(),
            ["results"] = results.Select(Describe).ToList(),
        };
        for (var i = 0; i < hooks.Count; i++)
        {
            var name = $"{project.Name}-{kind}-{i.ToString(CultureInfo.InvariantCulture)}";
            var hook = new ModelNode(NodeType.Operation, $"operation.{project.Name}.{name}", name, project.ProjectFile, [project.Name, "hooks", name]);
            var start = _options.Time.GetTimestamp();
            NodeResult result;
            try
            {
                var sql = _manifest.Renderer.RenderProjectHook(hooks[i], hook, context, () => connection);
                if (!string.IsNullOrWhiteSpace(sql))
                {
                    connection.ExecuteNonQuery(sql);
                }

                result = new NodeResult(hook.UniqueId, name, NodeType.Operation, NodeStatus.Ok, null, _options.Time.GetElapsedTime(start).TotalSeconds, null);
            }
            catch (Exception e) when (e is DuckDbException or ModelProjectException)
            {
                result = new NodeResult(hook.UniqueId, name, NodeType.Operation, NodeStatus.Error, null, _options.Time.GetElapsedTime(start).TotalSeconds, $"{project.ProjectFile}: {kind} hook {i + 1}: {e.Message}");
            }

            results.Add(result);
            report(result);
            if (result.IsFailure)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A result as on-run-end templates see it (dbt's <c>results</c>: status, node, message, timing).</summary>
    private static Dictionary<string, object?> Describe(NodeResult r) => new(StringComparer.Ordinal)
    {
        ["status"] = r.Status switch
        {
            NodeStatus.Ok => "success",
            NodeStatus.Skip => "skipped",
            var other => other.ToString().ToLowerInvariant(),
        },
        ["message"] = r.Message,
        ["execution_time"] = r.Seconds,
        ["failures"] = r.Type == NodeType.Test ? r.Rows : null,
        ["adapter_response"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["rows_affected"] = r.Rows },
        ["node"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = r.Name,
            ["unique_id"] = r.UniqueId,
            ["resource_type"] = r.Type.ToString().ToLowerInvariant(),
        },
    };
}
