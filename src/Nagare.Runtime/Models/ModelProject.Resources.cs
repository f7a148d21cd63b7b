namespace Nagare.Runtime.Models;

/// <summary>The dbt resources beyond models, seeds and tests: snapshots, analyses and project hooks.</summary>
public sealed partial class ModelProject
{
    /// <summary>Where snapshots live when the project does not say (dbt's default <c>snapshot-paths</c>).</summary>
    public static IReadOnlyList<string> DefaultSnapshotPaths { get; } = ["snapshots"];

    /// <summary>Where analyses live when the project does not say (dbt's default <c>analysis-paths</c>).</summary>
    public static IReadOnlyList<string> DefaultAnalysisPaths { get; } = ["analyses"];

    /// <summary>Folders of snapshots (<c>snapshot-paths</c>), relative to the root.</summary>
    public IReadOnlyList<string> SnapshotPaths { get; init; } = DefaultSnapshotPaths;

    /// <summary>Folders of analyses (<c>analysis-paths</c>), relative to the root.</summary>
    public IReadOnlyList<string> AnalysisPaths { get; init; } = DefaultAnalysisPaths;

    /// <summary>SQL run before the nodes of a run (dbt's <c>on-run-start</c>), each a Jinja template.</summary>
    public IReadOnlyList<string> OnRunStart { get; init; } = [];

    /// <summary>SQL run after the nodes of a run (dbt's <c>on-run-end</c>), even when some failed.</summary>
    public IReadOnlyList<string> OnRunEnd { get; init; } = [];

    internal FolderConfig SnapshotConfigs { get; init; } = new();

    /// <summary>A hook key given as one SQL string or a list of them.</summary>
    private static List<string> RunHookList(YamlMap yml, string key) => (yml.TryGetValue(key, out var value) ? value : null) switch
    {
        null => [],
        string sql => [sql],
        List<object?> list => [.. list.Select((item, i) => item as string ?? throw yml.Error(key, $"item {i + 1} must be a SQL string"))],
        _ => throw yml.Error(key, "expected a SQL string or a list of them"),
    };
}
