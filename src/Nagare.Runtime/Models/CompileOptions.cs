using Nagare.DuckDb;

namespace Nagare.Runtime.Models;

/// <summary>How <see cref="ModelCompiler"/> compiles a project.</summary>
public sealed record CompileOptions
{
    /// <summary>Reuse first renders of unchanged files from target/ (default true).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Write target/compiled/**, target/manifest.json and the cache (default true).</summary>
    public bool WriteArtifacts { get; init; } = true;

    /// <summary>Where <c>log()</c> calls and warnings go.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Opens the warehouse for templates that call <c>run_query()</c>; when null they see an empty result.</summary>
    public Func<DuckDbConnection>? Connection { get; init; }

    /// <summary>Degree of parallelism of the first render (default: processor count).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}
