using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.Common;

/// <summary>
/// DuckDB's SQL facts: identifiers are quoted with double quotes (any character but NUL is allowed inside),
/// compared case-insensitively even when quoted, and kept up to <see cref="MaxIdentifierLength"/> characters
/// by Nagare (DuckDB itself has no limit). Types map as in <see cref="DuckDbTypeMapping"/>.
/// </summary>
public sealed class DuckDbDialect : ISqlDialect
{
    private DuckDbDialect()
    {
    }

    /// <summary>The one instance.</summary>
    public static DuckDbDialect Instance { get; } = new();

    /// <summary>255: DuckDB has no limit, but longer names are unreadable and break other tools.</summary>
    public int MaxIdentifierLength => 255;

    /// <summary>Quotes an identifier with double quotes, doubling inner double quotes.</summary>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A single-quoted literal, doubling inner single quotes.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <inheritdoc/>
    public string QuoteIdentifier(string identifier) => Quote(identifier);

    /// <inheritdoc/>
    public string QuoteTable(string? @namespace, string name) =>
        @namespace is null ? Quote(name) : Quote(@namespace) + "." + Quote(name);

    /// <inheritdoc/>
    public string QuoteLiteral(string value) => Literal(value);

    /// <inheritdoc/>
    public string TypeName(ColumnType type) => DuckDbTypeMapping.TypeName(type);

    /// <inheritdoc/>
    public string SanitizeIdentifier(string identifier) => IdentifierSanitizer.Sanitize(identifier, MaxIdentifierLength);
}
