using Nagare.Core.Types;

namespace Nagare.Runtime.Activations;

/// <summary>One destination field of an activation and where its value comes from.</summary>
/// <param name="Field">The destination column (or file field).</param>
/// <param name="From">The result column it is taken from.</param>
/// <param name="Cast">The type the value is converted to, or null to keep the result's type (a database destination's existing column type still applies).</param>
public sealed record ActivationColumn(string Field, string From, ColumnType? Cast = null);
