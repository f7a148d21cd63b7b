namespace Nagare.Runtime.Models;

/// <summary>What one render of a node recorded: ref/source calls, config, and which context features it used.</summary>
internal sealed class RenderCapture
{
    public RenderCapture(ModelNode node, bool final, bool isIncremental)
    {
        Node = node;
        Final = final;
        IsIncremental = isIncremental;
        Config = node.BaseConfig.Clone();
    }

    public ModelNode Node { get; }

    /// <summary>False for the first render (placeholders, no warehouse access); true when relations are known.</summary>
    public bool Final { get; }

    public bool IsIncremental { get; }

    public List<RelationCall> Calls { get; } = [];

    public NodeConfig Config { get; }

    /// <summary>The keys set by the file's own config() calls, in call order (cached; re-applied over YAML config).</summary>
    public List<KeyValuePair<string, object?>> ConfigCalls { get; } = [];

    public bool UsesIsIncremental { get; set; }

    public bool NeedsFinalRender { get; set; }

    /// <summary>Environment variables read through env_var(), with the values seen (cache validity).</summary>
    public Dictionary<string, string?> EnvironmentRead { get; } = new(StringComparer.Ordinal);
}
