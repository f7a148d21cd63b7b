using System.Collections.Immutable;

namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>A step of a run as <see cref="EtaEstimator"/> sees it.</summary>
/// <param name="Name">Unique within the run.</param>
/// <param name="After">Names of the steps it starts after (default or empty: none).</param>
/// <param name="State">Where it stands.</param>
/// <param name="StartedAt">When it started (for <see cref="EtaStepState.Running"/>; null is taken as now).</param>
/// <param name="Expected">How long it is expected to take, e.g. the p90 of its recent durations (<see cref="EtaEstimator.Percentile"/>).</param>
public sealed record EtaStep(string Name, ImmutableArray<string> After, EtaStepState State, DateTimeOffset? StartedAt, TimeSpan Expected);
