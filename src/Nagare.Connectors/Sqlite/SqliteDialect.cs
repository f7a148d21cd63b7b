using System.Globalization;
using System.Text.RegularExpressions;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.Sqlite;

/// <summary>
/// SQLite's SQL facts. Identifiers are quoted with double quotes. SQLite stores values by type affinity, so the
/// declared types Nagare writes are chosen to keep values exact: decimals (and uint64) are declared
/// <c>DECIMAL TEXT(p,s)</c>, which has TEXT affinity and keeps every digit; JSON is <c>JSON TEXT</c>; dates and
/// times are ISO-8601 text (<c>2024-05-01</c>, <c>13:45:00.123456</c>, <c>2024-05-01 13:45:00.123456</c>, and
/// <c>2024-05-01T13:45:00.123456Z</c> for instants, always UTC); uuids are lowercase text; intervals are
/// <c>14 months -3 days 5000000 microseconds</c>; booleans are 0/1; lists and structs are JSON text.
/// </summary>
public sealed partial class SqliteDialect : ISqlDialect
{
    private SqliteDialect()
    {
    }

    /// <summary>The one instance.</summary>
    public static SqliteDialect Instance { get; } = new();

    /// <summary>255: SQLite has no limit, but longer names are unreadable and break other tools.</summary>
    public int MaxIdentifierLength => 255;

    /// <inheritdoc/>
    public string QuoteIdentifier(string identifier) => DuckDbDialect.Quote(identifier);

    /// <summary>Quotes a table; the namespace is an attached database name (<c>main</c> by default).</summary>
    public string QuoteTable(string? @namespace, string name) =>
        @namespace is null ? DuckDbDialect.Quote(name) : DuckDbDialect.Quote(@namespace) + "." + DuckDbDialect.Quote(name);

    /// <inheritdoc/>
    public string QuoteLiteral(string value) => DuckDbDialect.Literal(value);

    /// <inheritdoc/>
    public string SanitizeIdentifier(string identifier) => IdentifierSanitizer.Sanitize(identifier, MaxIdentifierLength);

    /// <inheritdoc/>
    public string TypeName(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Boolean => "BOOLEAN",
            ColumnKind.Int8 => "TINYINT",
            ColumnKind.Int16 => "SMALLINT",
            ColumnKind.Int32 => "INT",
            ColumnKind.Int64 => "BIGINT",
            ColumnKind.UInt8 => "UTINYINT",
            ColumnKind.UInt16 => "USMALLINT",
            ColumnKind.UInt32 => "UINT",
            ColumnKind.UInt64 => "DECIMAL TEXT(20,0)",
            ColumnKind.Float32 => "FLOAT4",
            ColumnKind.Float64 => "DOUBLE",
            ColumnKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL TEXT({type.Precision},{type.Scale})"),
            ColumnKind.String => "TEXT",
            ColumnKind.Bytes => "BLOB",
            ColumnKind.Date => "DATE",
            ColumnKind.Time => "TIME",
            ColumnKind.Timestamp => "TIMESTAMP",
            ColumnKind.TimestampTz => "TIMESTAMPTZ",
            ColumnKind.Interval => "INTERVAL",
            ColumnKind.Uuid => "UUID",
            _ => "JSON TEXT",
        };
    }

    /// <summary>The canonical type SQLite keeps for <paramref name="type"/> (uint64 becomes decimal(20,0); lists and structs become json).</summary>
    public static ColumnType StoredType(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.UInt64 => ColumnType.Decimal(20, 0),
            ColumnKind.List or ColumnKind.Struct => ColumnType.Json,
            _ => type,
        };
    }

    /// <summary>
    /// The canonical type of a column declared as <paramref name="declared"/>: Nagare's own names first, then common
    /// spellings of other tools, then SQLite's affinity rules (INT → int64, CHAR/CLOB/TEXT → string, BLOB → bytes,
    /// REAL/FLOA/DOUB → float64, anything else → float64 for NUMERIC affinity). No declared type gives string.
    /// </summary>
    public static ColumnType FromDeclaredType(string? declared)
    {
        var text = (declared ?? "").Trim().ToUpperInvariant();
        var match = Parameters().Match(text);
        var name = string.Join(' ', (match.Success ? text[..match.Index] : text).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        int? precision = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        var scale = match.Success && match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        switch (name)
        {
            case "DECIMAL TEXT" or "DECIMAL" or "NUMERIC" when precision is { } p && p is >= 1 and <= ColumnType.MaxDecimalPrecision && scale <= p:
                return ColumnType.Decimal(p, scale);
            case "DECIMAL TEXT" or "DECIMAL":
                return ColumnType.Decimal(38, 10);
            case "":
                return ColumnType.String;
        }

        return name switch
        {
            "BOOLEAN" or "BOOL" => ColumnType.Boolean,
            "TINYINT" => ColumnType.Int8,
            "SMALLINT" or "INT2" => ColumnType.Int16,
            "INT" or "INT4" or "MEDIUMINT" => ColumnType.Int32,
            "BIGINT" or "INT8" or "INTEGER" or "UNSIGNED BIG INT" => ColumnType.Int64,
            "UTINYINT" => ColumnType.UInt8,
            "USMALLINT" => ColumnType.UInt16,
            "UINT" or "UINTEGER" => ColumnType.UInt32,
            "FLOAT4" => ColumnType.Float32,
            "DATE" => ColumnType.Date,
            "TIME" => ColumnType.Time,
            "TIMESTAMP" or "DATETIME" => ColumnType.Timestamp,
            "TIMESTAMPTZ" or "TIMESTAMP WITH TIME ZONE" => ColumnType.TimestampTz,
            "INTERVAL" => ColumnType.Interval,
            "UUID" or "GUID" or "UNIQUEIDENTIFIER" => ColumnType.Uuid,
            "JSON TEXT" or "JSON" or "JSONB" => ColumnType.Json,
            _ when name.Contains("INT", StringComparison.Ordinal) => ColumnType.Int64,
            _ when name.Contains("CHAR", StringComparison.Ordinal) || name.Contains("CLOB", StringComparison.Ordinal) || name.Contains("TEXT", StringComparison.Ordinal) => ColumnType.String,
            _ when name.Contains("BLOB", StringComparison.Ordinal) => ColumnType.Bytes,
            _ => ColumnType.Float64,
        };
    }

    [GeneratedRegex(@"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$")]
    private static partial Regex Parameters();
}
