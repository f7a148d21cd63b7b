namespace Nagare.Runtime.Models;

/// <summary>The results of a run in completion order, and the total duration.</summary>
public sealed record RunResults(IReadOnlyList<NodeResult> Results, double Seconds)
{
    /// <summary>True when no node errored, failed or was cancelled.</summary>
    public bool Success => !Results.Any(r => r.IsFailure || r.Status == NodeStatus.Cancelled);

    /// <summary>True when the run was cancelled before every node was done.</summary>
    public bool Cancelled => Results.Any(r => r.Status == NodeStatus.Cancelled);

    public int Count(NodeStatus status) => Results.Count(r => r.Status == status);
}
