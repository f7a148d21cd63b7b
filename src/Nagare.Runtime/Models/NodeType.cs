namespace Nagare.Runtime.Models;

/// <summary>Kinds of nodes in a model project's graph.</summary>
public enum NodeType
{
    Model,
    Seed,
    Test,
    Source,
}
