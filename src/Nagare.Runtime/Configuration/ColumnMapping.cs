using Nagare.Core.Types;

namespace Nagare.Runtime.Configuration;

/// <summary>What to do with one column (<c>columns:</c> entries).</summary>
/// <param name="Rename">New name in the destination, or null.</param>
/// <param name="Exclude">Leave the column out.</param>
/// <param name="Cast">Destination type, or null to keep the source's.</param>
/// <param name="Mask">Mask kind, or null.</param>
/// <param name="MaskSecret">Key for <see cref="MaskKind.Hmac"/>.</param>
/// <param name="Location">Where the mapping was written.</param>
public sealed record ColumnMapping(string? Rename, bool Exclude, ColumnType? Cast, MaskKind? Mask, Secret? MaskSecret, ConfigLocation Location)
{
    /// <summary>Combines a general rule with a more specific one; the specific one's settings win.</summary>
    public ColumnMapping Then(ColumnMapping specific)
    {
        ArgumentNullException.ThrowIfNull(specific);
        return new ColumnMapping(
            specific.Rename ?? Rename,
            specific.Exclude || Exclude,
            specific.Cast ?? Cast,
            specific.Mask ?? Mask,
            specific.Mask is null ? MaskSecret : specific.MaskSecret,
            specific.Location);
    }
}
