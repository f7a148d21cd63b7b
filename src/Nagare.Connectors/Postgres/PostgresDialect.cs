using System.Globalization;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// PostgreSQL's SQL facts in one place: identifiers are double-quoted (inner quotes doubled) and cut by the
/// server at <see cref="MaxIdentifierLength"/> UTF-8 bytes, string literals are single-quoted, canonical
/// types map to the type names below, and the catalog queries Nagare runs are constants of this class.
/// </summary>
public sealed partial class PostgresDialect : ISqlDialect
{
    private PostgresDialect()
    {
    }

    /// <summary>The one instance.</summary>
    public static PostgresDialect Instance { get; } = new();

    /// <summary>63: PostgreSQL's NAMEDATALEN - 1, counted in UTF-8 bytes; longer names are silently cut by the server.</summary>
    public int MaxIdentifierLength => 63;

    /// <summary>Quotes an identifier with double quotes, doubling inner double quotes.</summary>
    /// <exception cref="ArgumentException">The name contains NUL, which PostgreSQL cannot store.</exception>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The identifier '{identifier.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character, which PostgreSQL cannot store.", nameof(identifier));
        }

        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// A string literal safe whatever <c>standard_conforming_strings</c> says: plain <c>'…'</c> with doubled
    /// quotes, or <c>E'…'</c> with doubled backslashes when the text holds a backslash.
    /// </summary>
    /// <exception cref="ArgumentException">The text contains NUL, which PostgreSQL text cannot hold.</exception>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The text contains a NUL character, which PostgreSQL text cannot hold.", nameof(value));
        }

        var quoted = value.Replace("'", "''", StringComparison.Ordinal);
        return value.Contains('\\', StringComparison.Ordinal)
            ? "E'" + quoted.Replace("\\", "\\\\", StringComparison.Ordinal) + "'"
            : "'" + quoted + "'";
    }

    /// <summary>True when PostgreSQL would cut <paramref name="identifier"/> (longer than 63 UTF-8 bytes).</summary>
    public static bool IsTooLong(string identifier) => Encoding.UTF8.GetByteCount(identifier) > 63;

    /// <summary>Throws a <see cref="ConnectorException"/> naming <paramref name="identifier"/> when PostgreSQL would cut it, instead of letting two names collide.</summary>
    public static void EnsureFits(string identifier, string what)
    {
        if (IsTooLong(identifier))
        {
            throw new ConnectorException(
                $"The {what} name '{identifier}' is {Encoding.UTF8.GetByteCount(identifier)} bytes long; PostgreSQL keeps only 63 bytes of a name and would cut it.")
            {
                Hint = $"Rename it (for example to '{Instance.SanitizeIdentifier(identifier)}') in the sync's column mapping or naming template.",
            };
        }
    }

    /// <inheritdoc/>
    public string QuoteIdentifier(string identifier) => Quote(identifier);

    /// <inheritdoc/>
    public string QuoteTable(string? @namespace, string name) =>
        @namespace is null ? Quote(name) : Quote(@namespace) + "." + Quote(name);

    /// <inheritdoc/>
    public string QuoteLiteral(string value) => Literal(value);

    /// <summary>Cuts a name to 63 UTF-8 bytes (with a short hash of the full name, so long names stay distinct) and replaces control characters.</summary>
    public string SanitizeIdentifier(string identifier) => IdentifierSanitizer.SanitizeUtf8(identifier, MaxIdentifierLength);

    /// <summary>
    /// A literal for a cursor or key-range bound given as its column's .NET value, typed with a cast so
    /// comparisons use the column's type. Values are formatted, never spliced as text, so they cannot inject SQL.
    /// </summary>
    /// <exception cref="ConnectorException">The value's type has no literal form.</exception>
    public static string ValueLiteral(object value) => value switch
    {
        bool b => b ? "TRUE" : "FALSE",
        sbyte or byte or short or ushort or int or uint or long or ulong =>
            Convert.ToString(value, CultureInfo.InvariantCulture)!,
        decimal d => d.ToString(CultureInfo.InvariantCulture) + "::numeric",
        DecimalValue d => d + "::numeric",
        double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture) + "::float8",
        float f when float.IsFinite(f) => f.ToString("R", CultureInfo.InvariantCulture) + "::float4",
        string s => Literal(s),
        DateOnly d => "'" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'::date",
        TimeOnly t => "'" + t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'::time",
        DateTime t => "'" + t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'::timestamp",
        DateTimeOffset t => "'" + t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'::timestamptz",
        Guid g => "'" + g.ToString("D") + "'::uuid",
        _ => throw new ConnectorException($"A value of type {value.GetType().Name} ({value}) cannot be used as a cursor or key bound on PostgreSQL."),
    };
}
