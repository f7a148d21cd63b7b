namespace Nagare.Runtime.Connections;

/// <summary>What a connector factory may need besides its own configuration.</summary>
/// <param name="ProjectRoot">The project folder; relative paths in connection files are relative to it.</param>
/// <param name="Time">The clock.</param>
public sealed record ConnectorContext(string ProjectRoot, TimeProvider Time)
{
    /// <summary>How long a connector waits while another process holds a file it opens (a DuckDB database); zero (the default) fails at once.</summary>
    public TimeSpan LockWait { get; init; }

    /// <summary>An absolute path for a path written in a connection file.</summary>
    public string ResolvePath(string path) =>
        path.StartsWith(":memory:", StringComparison.Ordinal) ? path : Path.GetFullPath(path, ProjectRoot);
}
