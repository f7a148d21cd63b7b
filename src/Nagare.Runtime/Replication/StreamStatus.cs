namespace Nagare.Runtime.Replication;

/// <summary>How a stream's copy ended.</summary>
public enum StreamStatus
{
    /// <summary>Committed.</summary>
    Succeeded,

    /// <summary>Failed; nothing of it was committed in this run (finished chunks stay staged for a resume).</summary>
    Failed,

    /// <summary>Not run because the run was cancelled.</summary>
    Cancelled,
}
