namespace Nagare.Core.Schema;

/// <summary>
/// Names one stream of a connection: a table (<c>schema.table</c>), a file set, an API resource.
/// <see cref="Namespace"/> is the schema (or folder, or database); null where the connector has none.
/// </summary>
public sealed record StreamId(string? Namespace, string Name) : IComparable<StreamId>
{
    /// <summary>Parses <c>schema.table</c> or <c>table</c>; the first unquoted dot separates the parts.</summary>
    public static StreamId Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new StreamId(null, text) : new StreamId(text[..dot], text[(dot + 1)..]);
    }

    public int CompareTo(StreamId? other) =>
        other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    /// <summary><c>namespace.name</c>, or the name alone.</summary>
    public override string ToString() => Namespace is null ? Name : $"{Namespace}.{Name}";
}
