namespace Nagare.Runtime.Models;

/// <summary>An environment models are built into (<c>dev</c>, <c>prod</c>, <c>ci</c>...): its warehouse file and schema naming.</summary>
/// <param name="Name">Target name, visible to templates as <c>target.name</c>.</param>
/// <param name="DatabasePath">Absolute path of the DuckDB warehouse file, or <c>:memory:</c>.</param>
/// <param name="Schema">Default schema of models without a layer or custom schema (<c>target.schema</c>).</param>
/// <param name="SchemaPrefix">Put before every schema name (e.g. <c>dev_</c>).</param>
/// <param name="SchemaSuffix">Put after every schema name (e.g. <c>_ci</c>).</param>
/// <param name="Threads">Default parallelism, if the target names one.</param>
public sealed record ModelTarget(string Name, string DatabasePath, string Schema, string SchemaPrefix, string SchemaSuffix, int? Threads)
{
    /// <summary>Database name as DuckDB shows it: the file name without extension.</summary>
    public string Database => DatabasePath.StartsWith(":memory:", StringComparison.Ordinal) ? "memory" : Path.GetFileNameWithoutExtension(DatabasePath);

    /// <summary>Applies the target's prefix and suffix to a schema name.</summary>
    public string Decorate(string schema) => SchemaPrefix + schema + SchemaSuffix;
}
