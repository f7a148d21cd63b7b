namespace Nagare.Runtime.Models;

/// <summary>One node of the project graph: a model, seed, test or source table.</summary>
public sealed class ModelNode
{
    internal ModelNode(NodeType type, string uniqueId, string name, string path, IReadOnlyList<string> fqn)
    {
        Type = type;
        UniqueId = uniqueId;
        Name = name;
        Path = path;
        Fqn = fqn;
    }

    public NodeType Type { get; }

    /// <summary>dbt-style id: <c>model.shop.orders</c>, <c>seed.shop.raw_orders</c>, <c>test.shop.unique_orders_id</c>, <c>source.shop.raw.orders</c>.</summary>
    public string UniqueId { get; }

    public string Name { get; }

    /// <summary>File relative to the project root, with forward slashes.</summary>
    public string Path { get; }

    /// <summary>Fully qualified name: project, folders, name (what <c>nagare ls</c> prints).</summary>
    public IReadOnlyList<string> Fqn { get; }

    /// <summary>The template text (models, singular tests), CSV path (seeds), or the generated test SQL.</summary>
    public string RawSql { get; internal set; } = string.Empty;

    public NodeConfig Config { get; internal set; } = new();

    public string? Description { get; internal set; }

    public IReadOnlyList<ColumnInfo> Columns { get; internal set; } = [];

    /// <summary>Unique ids of the nodes this one reads from.</summary>
    public IReadOnlyList<string> DependsOn { get; internal set; } = [];

    /// <summary>Schema the node is built into under the current target.</summary>
    public string Schema { get; internal set; } = string.Empty;

    /// <summary>Table or view name (alias, or the node name).</summary>
    public string Identifier { get; internal set; } = string.Empty;

    /// <summary>How SQL refers to the node: <c>"schema"."identifier"</c>, or for external sources their expression.</summary>
    public string RelationName { get; internal set; } = string.Empty;

    /// <summary>Compiled SQL (placeholders resolved, ephemeral CTEs injected); null for seeds and sources.</summary>
    public string? CompiledSql { get; internal set; }

    /// <summary>
    /// Checksum for <c>state:modified</c>: raw text plus the declared configuration and the macros it calls,
    /// nothing that depends on the target, so a different target shows no false changes.
    /// </summary>
    public string Checksum { get; internal set; } = string.Empty;

    /// <summary>Source name for source nodes (<c>source('raw', 'orders')</c> → raw).</summary>
    public string? SourceName { get; internal set; }

    /// <summary>For generic tests: the test (unique, not_null, accepted_values, relationships).</summary>
    public string? TestName { get; internal set; }

    /// <summary>For generic tests: the tested column.</summary>
    public string? ColumnName { get; internal set; }

    /// <summary>For generic tests: the node the test is attached to.</summary>
    public string? AttachedNode { get; internal set; }

    /// <summary>Whether the template calls <c>is_incremental()</c> and must be rendered again for incremental runs.</summary>
    internal bool UsesIsIncremental { get; set; }

    /// <summary>Whether the template needs the final render (run_query, relation attributes).</summary>
    internal bool NeedsFinalRender { get; set; }

    /// <summary>Rendered text with relation placeholders (first render).</summary>
    internal string Rendered { get; set; } = string.Empty;

    /// <summary>Rendered text with relations resolved, before ephemeral CTEs are injected.</summary>
    internal string Resolved { get; set; } = string.Empty;

    /// <summary>ref()/source() calls in call order; placeholders index into it.</summary>
    internal List<RelationCall> Calls { get; set; } = [];

    /// <summary>Configuration from YAML properties and folders, before the file's own config() call.</summary>
    internal NodeConfig BaseConfig { get; set; } = new();

    /// <summary>Generic test arguments.</summary>
    internal Dictionary<string, object?> TestArguments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Ephemeral models whose CTEs the compiled SQL carries, in dependency order.</summary>
    internal List<ModelNode> EphemeralParents { get; } = [];

    /// <summary>The seed file (absolute) for seeds; for external sources the location expression.</summary>
    internal string? FilePath { get; set; }

    public bool IsEphemeral => Type == NodeType.Model && Config.Materialized == "ephemeral";

    public override string ToString() => UniqueId;
}
