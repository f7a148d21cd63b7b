using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Replication;

/// <summary>How one destination column is filled from one source.</summary>
/// <param name="Operation">What to do.</param>
/// <param name="SourceIndex">Index of the source column in the read projection; -1 for <see cref="ColumnOperation.SourceName"/> and <see cref="ColumnOperation.Null"/>.</param>
/// <param name="Mask">Mask kind for <see cref="ColumnOperation.Mask"/>.</param>
/// <param name="MaskSecret">HMAC key for <see cref="MaskKind.Hmac"/>.</param>
public sealed record TargetColumnPlan(ColumnOperation Operation, int SourceIndex, MaskKind? Mask = null, Secret? MaskSecret = null);
