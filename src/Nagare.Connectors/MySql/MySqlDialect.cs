using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.MySql;

/// <summary>
/// MySQL's and MariaDB's SQL facts: identifiers quoted with backticks (a backtick doubled), string literals with
/// backslashes and quotes escaped, and the canonical type of each column type (see docs/connectors/mysql.md for the
/// table). Tables Nagare creates use utf8mb4 with the binary collation, so keys compare as the source compared them.
/// </summary>
public sealed class MySqlDialect : ISqlDialect
{
    private MySqlDialect()
    {
    }

    /// <summary>The one instance.</summary>
    public static MySqlDialect Instance { get; } = new();

    /// <summary>64: longer table and column names are rejected by the server.</summary>
    public int MaxIdentifierLength => 64;

    /// <summary>Quotes an identifier with backticks, doubling any backtick inside.</summary>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";
    }

    /// <inheritdoc/>
    public string QuoteIdentifier(string identifier) => Quote(identifier);

    /// <summary>Quotes <c>database.table</c>; a null namespace means the connection's database.</summary>
    public string QuoteTable(string? @namespace, string name) => @namespace is null ? Quote(name) : Quote(@namespace) + "." + Quote(name);

    /// <inheritdoc/>
    public string QuoteLiteral(string value) => Literal(value);

    /// <summary>A string literal safe whether or not the session has NO_BACKSLASH_ESCAPES (backslashes are doubled only without it; Nagare's sessions never set it).</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal) + "'";
    }

    /// <inheritdoc/>
    public string SanitizeIdentifier(string identifier) => IdentifierSanitizer.Sanitize(identifier, MaxIdentifierLength);

    /// <inheritdoc/>
    public string TypeName(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Boolean => "TINYINT(1)",
            ColumnKind.Int8 => "TINYINT",
            ColumnKind.Int16 => "SMALLINT",
            ColumnKind.Int32 => "INT",
            ColumnKind.Int64 => "BIGINT",
            ColumnKind.UInt8 => "TINYINT UNSIGNED",
            ColumnKind.UInt16 => "SMALLINT UNSIGNED",
            ColumnKind.UInt32 => "INT UNSIGNED",
            ColumnKind.UInt64 => "BIGINT UNSIGNED",
            ColumnKind.Float32 => "FLOAT",
            ColumnKind.Float64 => "DOUBLE",
            ColumnKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({type.Precision},{type.Scale})"),
            ColumnKind.String => "LONGTEXT",
            ColumnKind.Bytes => "LONGBLOB",
            ColumnKind.Date => "DATE",
            ColumnKind.Time => "TIME(6)",
            ColumnKind.Timestamp or ColumnKind.TimestampTz => "DATETIME(6)",
            ColumnKind.Interval => "VARCHAR(64)",
            ColumnKind.Uuid => "CHAR(36)",
            _ => "JSON",
        };
    }

    /// <summary>
    /// The column type of a key column: text and bytes cannot be keys unbounded, so they become VARCHAR/VARBINARY sized so
    /// that <paramref name="keyColumns"/> of them fit InnoDB's 3072-byte key.
    /// </summary>
    public string KeyTypeName(ColumnType type, int keyColumns)
    {
        ArgumentNullException.ThrowIfNull(type);
        var share = 3072 / Math.Max(1, keyColumns);
        return type.Kind switch
        {
            ColumnKind.String => string.Create(CultureInfo.InvariantCulture, $"VARCHAR({share / 4})"),
            ColumnKind.Bytes => string.Create(CultureInfo.InvariantCulture, $"VARBINARY({share})"),
            _ => TypeName(type),
        };
    }

    /// <summary>
    /// The canonical type a column written as <paramref name="type"/> is read back as: <c>time</c> becomes <c>interval</c>
    /// (MySQL's TIME is a duration of ±838 hours), <c>timestamptz</c> becomes <c>timestamp</c> (kept in UTC in a DATETIME,
    /// whose range TIMESTAMP's 1970–2038 would not hold), <c>interval</c> and <c>uuid</c> become text, lists and structs JSON.
    /// </summary>
    public static ColumnType StoredType(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Time => ColumnType.Interval,
            ColumnKind.TimestampTz => ColumnType.Timestamp,
            ColumnKind.Interval or ColumnKind.Uuid => ColumnType.String,
            ColumnKind.List or ColumnKind.Struct => ColumnType.Json,
            _ => type,
        };
    }

    /// <summary>The canonical type of a column as <c>information_schema.COLUMNS</c> describes it.</summary>
    /// <param name="dataType">DATA_TYPE, e.g. <c>int</c>.</param>
    /// <param name="columnType">COLUMN_TYPE, e.g. <c>int(10) unsigned</c> or <c>tinyint(1)</c>.</param>
    /// <param name="precision">NUMERIC_PRECISION (digits of a decimal, bits of a BIT).</param>
    /// <param name="scale">NUMERIC_SCALE.</param>
    /// <param name="isJson">The column is JSON (MySQL's type, or MariaDB's LONGTEXT with a json_valid check).</param>
    /// <param name="datetimeIsInstant">DATETIME values are local times of a known zone (<c>source_timezone</c>), read as instants.</param>
    public static ColumnType FromCatalog(string dataType, string columnType, long? precision, long? scale, bool isJson, bool datetimeIsInstant)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        ArgumentNullException.ThrowIfNull(columnType);
        var unsigned = columnType.Contains("unsigned", StringComparison.OrdinalIgnoreCase);
        return dataType.ToLowerInvariant() switch
        {
            "tinyint" when !unsigned && columnType.StartsWith("tinyint(1)", StringComparison.OrdinalIgnoreCase) => ColumnType.Boolean,
            "tinyint" => unsigned ? ColumnType.UInt8 : ColumnType.Int8,
            "smallint" => unsigned ? ColumnType.UInt16 : ColumnType.Int16,
            "mediumint" or "int" or "integer" => unsigned ? ColumnType.UInt32 : ColumnType.Int32,
            "bigint" => unsigned ? ColumnType.UInt64 : ColumnType.Int64,
            "bit" => precision is 1 ? ColumnType.Boolean : ColumnType.UInt64,
            "float" => ColumnType.Float32,
            "double" or "real" or "double precision" => ColumnType.Float64,
            "decimal" or "numeric" or "dec" or "fixed" when precision is { } p and <= ColumnType.MaxDecimalPrecision =>
                ColumnType.Decimal((int)Math.Max(1, p), (int)Math.Clamp(scale ?? 0, 0, p)),
            // Wider than the 38 digits a canonical decimal holds (DECIMAL(65,30)): the exact text.
            "decimal" or "numeric" or "dec" or "fixed" => ColumnType.String,
            "json" => ColumnType.Json,
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" => isJson ? ColumnType.Json : ColumnType.String,
            "enum" => ColumnType.String,
            "set" => ColumnType.List(ColumnType.String),
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ColumnType.Bytes,
            "date" => ColumnType.Date,
            "datetime" => datetimeIsInstant ? ColumnType.TimestampTz : ColumnType.Timestamp,
            "timestamp" => ColumnType.TimestampTz,
            "time" => ColumnType.Interval,
            "year" => ColumnType.Int16,
            "uuid" => ColumnType.Uuid,
            "geometry" or "point" or "linestring" or "polygon" or "multipoint" or "multilinestring" or "multipolygon" or "geometrycollection" => ColumnType.Bytes,
            _ => ColumnType.String,
        };
    }
}
