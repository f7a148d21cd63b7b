namespace Nagare.Runtime.Configuration;

/// <summary>
/// A secret value from configuration (usually substituted from <c>${ENV}</c>). It never prints itself:
/// <see cref="ToString"/> is <c>***</c>; only <see cref="Reveal"/> gives the value, to the code that needs it.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    private readonly string value;

    public Secret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        this.value = value;
    }

    /// <summary>The value, for the driver that needs it.</summary>
    public string Reveal() => value;

    public override string ToString() => "***";

    public bool Equals(Secret? other) => other is not null && string.Equals(value, other.value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as Secret);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(value);
}
