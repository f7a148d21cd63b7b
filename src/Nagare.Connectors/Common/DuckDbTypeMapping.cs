using System.Globalization;
using System.Text;
using Nagare.Core.Types;

namespace Nagare.Connectors.Common;

/// <summary>
/// Canonical types ⇄ DuckDB types. <see cref="TypeName"/> gives the type to declare for a canonical type;
/// <see cref="FromTypeName"/> reads DuckDB's own spelling (as in <c>duckdb_columns().data_type</c> or
/// <see cref="Nagare.DuckDb.DuckDbDataReader.GetDataTypeName"/>) back into a canonical type.
/// </summary>
/// <remarks>
/// DuckDB types without an exact canonical twin are read through a cast to the mapped type:
/// HUGEINT/UHUGEINT → decimal(38,0); TIMESTAMP_S/_MS/_NS → timestamp (microseconds); TIME_NS → time;
/// MAP → json; ENUM, UNION, BIT, BIGNUM, TIME WITH TIME ZONE → string; fixed-size ARRAY → list.
/// A reader compares <see cref="Nagare.Core.Schema.ColumnSchema.NativeType"/> with <see cref="TypeName"/> to know when to cast.
/// </remarks>
public static class DuckDbTypeMapping
{
    /// <summary>The DuckDB type to declare for <paramref name="type"/>, e.g. <c>DECIMAL(12,2)</c>, <c>TIMESTAMPTZ</c>, <c>VARCHAR[]</c>.</summary>
    public static string TypeName(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Boolean => "BOOLEAN",
            ColumnKind.Int8 => "TINYINT",
            ColumnKind.Int16 => "SMALLINT",
            ColumnKind.Int32 => "INTEGER",
            ColumnKind.Int64 => "BIGINT",
            ColumnKind.UInt8 => "UTINYINT",
            ColumnKind.UInt16 => "USMALLINT",
            ColumnKind.UInt32 => "UINTEGER",
            ColumnKind.UInt64 => "UBIGINT",
            ColumnKind.Float32 => "FLOAT",
            ColumnKind.Float64 => "DOUBLE",
            ColumnKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({type.Precision},{type.Scale})"),
            ColumnKind.String => "VARCHAR",
            ColumnKind.Bytes => "BLOB",
            ColumnKind.Date => "DATE",
            ColumnKind.Time => "TIME",
            ColumnKind.Timestamp => "TIMESTAMP",
            ColumnKind.TimestampTz => "TIMESTAMP WITH TIME ZONE",
            ColumnKind.Interval => "INTERVAL",
            ColumnKind.Uuid => "UUID",
            ColumnKind.Json => "JSON",
            ColumnKind.List => TypeName(type.Element!) + "[]",
            ColumnKind.Struct => "STRUCT(" + string.Join(", ", type.Fields.Select(f => DuckDbDialect.Quote(f.Name) + " " + TypeName(f.Type))) + ")",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
        };
    }

    /// <summary>Reads DuckDB's spelling of a type (case-insensitive) as a canonical type.</summary>
    /// <exception cref="FormatException">The text is not a DuckDB type.</exception>
    public static ColumnType FromTypeName(string duckDbType)
    {
        ArgumentNullException.ThrowIfNull(duckDbType);
        var position = 0;
        var type = Parse(duckDbType, ref position);
        SkipSpace(duckDbType, ref position);
        if (position != duckDbType.Length)
        {
            throw new FormatException($"Unexpected '{duckDbType[position..]}' in DuckDB type '{duckDbType}'.");
        }

        return type;
    }

    /// <summary>True when reading a column declared as <paramref name="nativeType"/> as <paramref name="type"/> needs a cast in SQL.</summary>
    public static bool NeedsCast(string? nativeType, ColumnType type) =>
        nativeType is null || !string.Equals(Normalize(nativeType), Normalize(TypeName(type)), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string typeName) => typeName switch
    {
        _ when typeName.Equals("TIMESTAMPTZ", StringComparison.OrdinalIgnoreCase) => "TIMESTAMP WITH TIME ZONE",
        // Field names of a STRUCT are quoted only when they need it; quotes and spaces do not change the type.
        _ => typeName.Replace(" ", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal),
    };

    private static ColumnType Parse(string text, ref int position)
    {
        SkipSpace(text, ref position);
        var start = position;
        while (position < text.Length && text[position] is not ('(' or ')' or '[' or ',' or ']'))
        {
            position++;
        }

        var name = text[start..position].Trim();
        var upper = string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        ColumnType type;
        if (position < text.Length && text[position] == '(')
        {
            type = upper switch
            {
                "DECIMAL" or "NUMERIC" => ParseDecimal(text, ref position),
                "STRUCT" => ParseStruct(text, ref position),
                "MAP" => SkipArguments(text, ref position, ColumnType.Json),
                "VARCHAR" or "CHAR" or "BPCHAR" or "TEXT" or "STRING" => SkipArguments(text, ref position, ColumnType.String),
                _ => SkipArguments(text, ref position, ColumnType.String),
            };
        }
        else
        {
            type = Base(upper, text);
        }

        while (position < text.Length && text[position] == '[')
        {
            position++;
            while (position < text.Length && text[position] != ']')
            {
                position++;
            }

            position++;
            type = ColumnType.List(type);
        }

        return type;
    }

    private static ColumnType Base(string name, string text) => name switch
    {
        "BOOLEAN" or "BOOL" or "LOGICAL" => ColumnType.Boolean,
        "TINYINT" or "INT1" => ColumnType.Int8,
        "SMALLINT" or "INT2" or "SHORT" => ColumnType.Int16,
        "INTEGER" or "INT4" or "INT" or "SIGNED" => ColumnType.Int32,
        "BIGINT" or "INT8" or "LONG" => ColumnType.Int64,
        "UTINYINT" => ColumnType.UInt8,
        "USMALLINT" => ColumnType.UInt16,
        "UINTEGER" => ColumnType.UInt32,
        "UBIGINT" => ColumnType.UInt64,
        "HUGEINT" or "UHUGEINT" or "INT128" or "UINT128" => ColumnType.Decimal(38, 0),
        "FLOAT" or "REAL" or "FLOAT4" => ColumnType.Float32,
        "DOUBLE" or "FLOAT8" => ColumnType.Float64,
        "DECIMAL" or "NUMERIC" => ColumnType.Decimal(18, 3),
        "VARCHAR" or "TEXT" or "STRING" or "CHAR" or "BPCHAR" => ColumnType.String,
        "BLOB" or "BYTEA" or "BINARY" or "VARBINARY" => ColumnType.Bytes,
        "DATE" => ColumnType.Date,
        "TIME" or "TIME_NS" => ColumnType.Time,
        "TIMESTAMP" or "DATETIME" or "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "TIMESTAMP_US" => ColumnType.Timestamp,
        "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ" => ColumnType.TimestampTz,
        "INTERVAL" => ColumnType.Interval,
        "UUID" => ColumnType.Uuid,
        "JSON" => ColumnType.Json,
        "" => throw new FormatException($"Expected a type name in DuckDB type '{text}'."),
        _ => ColumnType.String,
    };

    private static ColumnType ParseDecimal(string text, ref int position)
    {
        position++;
        var close = text.IndexOf(')', position);
        if (close < 0)
        {
            throw new FormatException($"Missing ')' in DuckDB type '{text}'.");
        }

        var parts = text[position..close].Split(',');
        position = close + 1;
        var precision = int.Parse(parts[0].Trim(), CultureInfo.InvariantCulture);
        var scale = parts.Length > 1 ? int.Parse(parts[1].Trim(), CultureInfo.InvariantCulture) : 0;
        return ColumnType.Decimal(precision, scale);
    }

    private static ColumnType ParseStruct(string text, ref int position)
    {
        position++;
        var fields = new List<ColumnField>();
        while (true)
        {
            SkipSpace(text, ref position);
            var name = ReadFieldName(text, ref position);
            var type = Parse(text, ref position);
            fields.Add(new ColumnField(name, type));
            SkipSpace(text, ref position);
            if (position >= text.Length)
            {
                throw new FormatException($"Missing ')' in DuckDB type '{text}'.");
            }

            if (text[position++] == ')')
            {
                return ColumnType.Struct(fields);
            }
        }
    }

    private static string ReadFieldName(string text, ref int position)
    {
        if (position < text.Length && text[position] == '"')
        {
            var name = new StringBuilder();
            position++;
            while (position < text.Length)
            {
                if (text[position] == '"')
                {
                    if (position + 1 < text.Length && text[position + 1] == '"')
                    {
                        name.Append('"');
                        position += 2;
                        continue;
                    }

                    position++;
                    return name.ToString();
                }

                name.Append(text[position++]);
            }

            throw new FormatException($"Unterminated quoted name in DuckDB type '{text}'.");
        }

        var start = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return text[start..position];
    }

    private static ColumnType SkipArguments(string text, ref int position, ColumnType result)
    {
        var depth = 0;
        var quote = '\0';
        for (; position < text.Length; position++)
        {
            var c = text[position];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth == 0)
                    {
                        position++;
                        return result;
                    }

                    break;
            }
        }

        throw new FormatException($"Missing ')' in DuckDB type '{text}'.");
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }
}
