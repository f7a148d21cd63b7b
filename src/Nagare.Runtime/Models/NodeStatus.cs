namespace Nagare.Runtime.Models;

/// <summary>Outcome of one node in a run.</summary>
public enum NodeStatus
{
    /// <summary>Built (models, seeds).</summary>
    Ok,

    /// <summary>Failed with an error (SQL error, test query error).</summary>
    Error,

    /// <summary>Not run because something it depends on failed.</summary>
    Skip,

    /// <summary>Test found no failing rows.</summary>
    Pass,

    /// <summary>Test with severity error found failing rows.</summary>
    Fail,

    /// <summary>Test with severity warn found failing rows.</summary>
    Warn,

    /// <summary>Interrupted, or never started, because the run was cancelled (Ctrl+C, SIGTERM); nothing of it was kept.</summary>
    Cancelled,
}
