namespace Nagare.Runtime.Activations;

/// <summary>Which run kept rows of the warehouse's activation tables (rejected records, requests).</summary>
/// <param name="RunId">The pipeline run's id, 0 for a run of its own (the CLI).</param>
/// <param name="At">When the run started.</param>
public sealed record ActivationRunStamp(long RunId, DateTimeOffset At);
