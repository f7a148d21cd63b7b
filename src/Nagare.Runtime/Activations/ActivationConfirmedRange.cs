namespace Nagare.Runtime.Activations;

/// <summary>Records a destination confirmed: places <paramref name="First"/> to <paramref name="Last"/> (inclusive) of <paramref name="Part"/> in key order.</summary>
/// <param name="Part">The records read.</param>
/// <param name="First">The first place, from 0.</param>
/// <param name="Last">The last place.</param>
public sealed record ActivationConfirmedRange(ActivationRecords Part, long First, long Last);
