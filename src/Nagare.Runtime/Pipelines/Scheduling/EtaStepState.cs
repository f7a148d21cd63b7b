namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>Where a step of a run stands, for <see cref="EtaEstimator"/>.</summary>
public enum EtaStepState
{
    /// <summary>Not started (waiting for the steps it comes after, or for a worker).</summary>
    Waiting,

    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Finished, whatever the outcome (succeeded, failed, skipped).</summary>
    Done,
}
