using System.Text.RegularExpressions;
using Nagare.Core.Types;

namespace Nagare.Connectors.Postgres;

public sealed partial class PostgresDialect
{
    /// <summary>
    /// The column type declared for a canonical type. Unsigned integers take the next wider signed type
    /// (<c>uint64</c> → <c>numeric(20,0)</c>), <c>int8</c> → <c>smallint</c>, json → <c>jsonb</c>, structs and
    /// lists of lists → <c>jsonb</c>, other lists → arrays of their element.
    /// </summary>
    public string TypeName(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Boolean => "boolean",
            ColumnKind.Int8 or ColumnKind.Int16 or ColumnKind.UInt8 => "smallint",
            ColumnKind.Int32 or ColumnKind.UInt16 => "integer",
            ColumnKind.Int64 or ColumnKind.UInt32 => "bigint",
            ColumnKind.UInt64 => "numeric(20,0)",
            ColumnKind.Float32 => "real",
            ColumnKind.Float64 => "double precision",
            ColumnKind.Decimal => $"numeric({type.Precision},{type.Scale})",
            ColumnKind.String => "text",
            ColumnKind.Bytes => "bytea",
            ColumnKind.Date => "date",
            ColumnKind.Time => "time",
            ColumnKind.Timestamp => "timestamp",
            ColumnKind.TimestampTz => "timestamptz",
            ColumnKind.Interval => "interval",
            ColumnKind.Uuid => "uuid",
            ColumnKind.Json or ColumnKind.Struct => "jsonb",
            ColumnKind.List when type.Element!.Kind is ColumnKind.List or ColumnKind.Struct => "jsonb",
            ColumnKind.List => TypeName(type.Element!) + "[]",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
        };
    }

    /// <summary>
    /// <see cref="TypeName"/> spelled as <c>format_type</c> prints it (e.g. <c>timestamp with time zone</c>), to
    /// compare with a described column's native type.
    /// </summary>
    public string FormatTypeName(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Time => "time without time zone",
            ColumnKind.Timestamp => "timestamp without time zone",
            ColumnKind.TimestampTz => "timestamp with time zone",
            ColumnKind.List when TypeName(type).EndsWith("[]", StringComparison.Ordinal) => FormatTypeName(type.Element!) + "[]",
            _ => TypeName(type),
        };
    }

    /// <summary>The canonical type a column declared as <see cref="TypeName"/> of <paramref name="type"/> is described as.</summary>
    public static ColumnType StoredType(ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Int8 or ColumnKind.UInt8 => ColumnType.Int16,
            ColumnKind.UInt16 => ColumnType.Int32,
            ColumnKind.UInt32 => ColumnType.Int64,
            ColumnKind.UInt64 => ColumnType.Decimal(20, 0),
            ColumnKind.Struct => ColumnType.Json,
            ColumnKind.List when type.Element!.Kind is ColumnKind.List or ColumnKind.Struct => ColumnType.Json,
            ColumnKind.List => ColumnType.List(StoredType(type.Element!)),
            _ => type,
        };
    }

    /// <summary>
    /// The canonical type of a column as the catalog describes it (after resolving a domain to its base type).
    /// </summary>
    /// <param name="typeName"><c>pg_type.typname</c> of the (base) type, e.g. <c>int4</c>, <c>_text</c>.</param>
    /// <param name="typeKind"><c>pg_type.typtype</c>: b base, e enum, d domain, c composite, r range, m multirange, p pseudo.</param>
    /// <param name="typeModifier">The type modifier (<c>atttypmod</c>, or the domain's <c>typtypmod</c>); -1 when none.</param>
    /// <param name="elementName">For arrays, the element's <c>typname</c>; otherwise null.</param>
    /// <param name="elementKind">For arrays, the element's <c>typtype</c>.</param>
    /// <param name="unconstrainedNumeric">Canonical type of <c>numeric</c> without precision.</param>
    public static ColumnType MapCatalogType(string typeName, char typeKind, int typeModifier, string? elementName, char elementKind, ColumnType unconstrainedNumeric)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        if (elementName is not null)
        {
            var element = MapScalar(elementName, elementKind, typeModifier, unconstrainedNumeric);
            return ColumnType.List(element);
        }

        return MapScalar(typeName, typeKind, typeModifier, unconstrainedNumeric);
    }

    private static ColumnType MapScalar(string typeName, char typeKind, int typeModifier, ColumnType unconstrainedNumeric)
    {
        if (typeKind != 'b')
        {
            // Enums, composites, ranges and domains over them are read through their text output.
            return ColumnType.String;
        }

        return typeName switch
        {
            "int2" => ColumnType.Int16,
            "int4" => ColumnType.Int32,
            "int8" => ColumnType.Int64,
            "float4" => ColumnType.Float32,
            "float8" => ColumnType.Float64,
            "numeric" => NumericType(typeModifier, unconstrainedNumeric),
            "money" => ColumnType.Decimal(19, 2),
            "bool" => ColumnType.Boolean,
            "bytea" => ColumnType.Bytes,
            "date" => ColumnType.Date,
            "time" => ColumnType.Time,
            "timestamp" => ColumnType.Timestamp,
            "timestamptz" => ColumnType.TimestampTz,
            "interval" => ColumnType.Interval,
            "uuid" => ColumnType.Uuid,
            "json" or "jsonb" => ColumnType.Json,
            // text, varchar, bpchar, name, citext, timetz (kept as text so the offset is not lost), and every other type.
            _ => ColumnType.String,
        };
    }

    private static ColumnType NumericType(int typeModifier, ColumnType unconstrainedNumeric)
    {
        if (typeModifier < 4)
        {
            return unconstrainedNumeric;
        }

        var precision = ((typeModifier - 4) >> 16) & 0xffff;
        var scale = (short)((typeModifier - 4) & 0xffff);

        // numeric wider than 38 digits, or with a negative scale (PostgreSQL 15+), has no exact decimal twin.
        return precision is >= 1 and <= ColumnType.MaxDecimalPrecision && scale >= 0 && scale <= precision
            ? ColumnType.Decimal(precision, scale)
            : ColumnType.String;
    }

    /// <summary>
    /// True when a column whose <c>format_type</c> text is <paramref name="nativeType"/> can be read in binary
    /// straight into <paramref name="type"/>, without a server-side cast.
    /// </summary>
    internal static bool ReadsDirectly(string? nativeType, ColumnType type)
    {
        if (nativeType is null)
        {
            return false;
        }

        var native = TypeModifier().Replace(nativeType, "");
        if (type.Kind == ColumnKind.List)
        {
            return native.EndsWith("[]", StringComparison.Ordinal) &&
                   type.Element!.Kind is not (ColumnKind.List or ColumnKind.Struct) &&
                   ReadsDirectly(native[..^2], type.Element);
        }

        return type.Kind switch
        {
            ColumnKind.Boolean => native == "boolean",
            ColumnKind.Int16 => native == "smallint",
            ColumnKind.Int32 => native == "integer",
            ColumnKind.Int64 => native == "bigint",
            ColumnKind.Float32 => native == "real",
            ColumnKind.Float64 => native == "double precision",
            ColumnKind.Decimal => native is "numeric" or "money",
            ColumnKind.String => native is "text" or "character varying" or "character" or "name",
            ColumnKind.Bytes => native == "bytea",
            ColumnKind.Date => native == "date",
            ColumnKind.Time => native == "time without time zone",
            ColumnKind.Timestamp => native == "timestamp without time zone",
            ColumnKind.TimestampTz => native == "timestamp with time zone",
            ColumnKind.Interval => native.StartsWith("interval", StringComparison.Ordinal),
            ColumnKind.Uuid => native == "uuid",
            ColumnKind.Json => native is "json" or "jsonb",
            _ => false,
        };
    }

    [GeneratedRegex(@"\(\d+(,\s*-?\d+)?\)")]
    private static partial Regex TypeModifier();
}
