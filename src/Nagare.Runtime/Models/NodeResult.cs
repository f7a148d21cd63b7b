namespace Nagare.Runtime.Models;

/// <summary>What happened to one node: status, rows affected (or failing rows for tests), duration, message, failing row samples.</summary>
public sealed record NodeResult(string UniqueId, string Name, NodeType Type, NodeStatus Status, long? Rows, double Seconds, string? Message)
{
    /// <summary>Column names of <see cref="SampleRows"/>.</summary>
    public IReadOnlyList<string> SampleColumns { get; init; } = [];

    /// <summary>Up to five failing rows of a test.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> SampleRows { get; init; } = [];

    /// <summary>Whether the node made the run fail.</summary>
    public bool IsFailure => Status is NodeStatus.Error or NodeStatus.Fail;
}
