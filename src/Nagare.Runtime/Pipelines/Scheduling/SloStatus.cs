namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>Where a run (or step) stands against its deadline; see <see cref="Deadlines.Evaluate"/>.</summary>
public enum SloStatus
{
    /// <summary>Unfinished, and expected to finish by its deadline (or it has none).</summary>
    OnTrack,

    /// <summary>Unfinished, the deadline not passed yet, but expected to finish after it.</summary>
    AtRisk,

    /// <summary>Unfinished and the deadline has passed.</summary>
    Late,

    /// <summary>Finished by its deadline (or it has none).</summary>
    Met,

    /// <summary>Finished after its deadline.</summary>
    Missed,
}
