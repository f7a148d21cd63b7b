namespace Nagare.Runtime.Models;

/// <summary>The results of a run in completion order, and the total duration.</summary>
public sealed record RunResults(IReadOnlyList<NodeResult> Results, double Seconds)
{
    /// <summary>True when no node errored or failed.</summary>
    public bool Success => !Results.Any(r => r.IsFailure);

    public int Count(NodeStatus status) => Results.Count(r => r.Status == status);
}
