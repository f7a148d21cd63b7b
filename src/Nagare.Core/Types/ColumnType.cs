using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Nagare.Core.Types;

/// <summary>
/// A canonical column type. Its text form (<see cref="ToString"/>, parsed by <see cref="Parse"/>) is what
/// users write in type overrides: <c>int64</c>, <c>decimal(12,2)</c>, <c>timestamptz</c>, <c>list&lt;string&gt;</c>,
/// <c>struct&lt;a int32, b string&gt;</c>.
/// </summary>
public sealed record ColumnType
{
    /// <summary>Largest decimal precision carried exactly.</summary>
    public const int MaxDecimalPrecision = 38;

    private ColumnType(ColumnKind kind, int precision = 0, int scale = 0, ColumnType? element = null, ImmutableArray<ColumnField> fields = default)
    {
        Kind = kind;
        Precision = precision;
        Scale = scale;
        Element = element;
        Fields = fields.IsDefault ? [] : fields;
    }

    public ColumnKind Kind { get; }

    /// <summary>Total digits of a decimal (1..38); 0 for other kinds.</summary>
    public int Precision { get; }

    /// <summary>Digits after the point of a decimal (0..precision); 0 for other kinds.</summary>
    public int Scale { get; }

    /// <summary>Element type of a list; null for other kinds.</summary>
    public ColumnType? Element { get; }

    /// <summary>Fields of a struct; empty for other kinds.</summary>
    public ImmutableArray<ColumnField> Fields { get; }

    public static ColumnType Boolean { get; } = new(ColumnKind.Boolean);

    public static ColumnType Int8 { get; } = new(ColumnKind.Int8);

    public static ColumnType Int16 { get; } = new(ColumnKind.Int16);

    public static ColumnType Int32 { get; } = new(ColumnKind.Int32);

    public static ColumnType Int64 { get; } = new(ColumnKind.Int64);

    public static ColumnType UInt8 { get; } = new(ColumnKind.UInt8);

    public static ColumnType UInt16 { get; } = new(ColumnKind.UInt16);

    public static ColumnType UInt32 { get; } = new(ColumnKind.UInt32);

    public static ColumnType UInt64 { get; } = new(ColumnKind.UInt64);

    public static ColumnType Float32 { get; } = new(ColumnKind.Float32);

    public static ColumnType Float64 { get; } = new(ColumnKind.Float64);

    public static ColumnType String { get; } = new(ColumnKind.String);

    public static ColumnType Bytes { get; } = new(ColumnKind.Bytes);

    public static ColumnType Date { get; } = new(ColumnKind.Date);

    public static ColumnType Time { get; } = new(ColumnKind.Time);

    public static ColumnType Timestamp { get; } = new(ColumnKind.Timestamp);

    public static ColumnType TimestampTz { get; } = new(ColumnKind.TimestampTz);

    public static ColumnType Interval { get; } = new(ColumnKind.Interval);

    public static ColumnType Uuid { get; } = new(ColumnKind.Uuid);

    public static ColumnType Json { get; } = new(ColumnKind.Json);

    /// <summary>An exact decimal.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Precision outside 1..38 or scale outside 0..precision.</exception>
    public static ColumnType Decimal(int precision, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, MaxDecimalPrecision);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, precision);
        return new ColumnType(ColumnKind.Decimal, precision, scale);
    }

    /// <summary>A list of <paramref name="element"/>.</summary>
    public static ColumnType List(ColumnType element) => new(ColumnKind.List, element: element ?? throw new ArgumentNullException(nameof(element)));

    /// <summary>A struct with the given fields, in order.</summary>
    public static ColumnType Struct(IEnumerable<ColumnField> fields) => new(ColumnKind.Struct, fields: [.. fields]);

    /// <summary>True for the integer kinds, signed or not.</summary>
    public bool IsInteger => Kind is >= ColumnKind.Int8 and <= ColumnKind.UInt64;

    public bool Equals(ColumnType? other) =>
        other is not null && Kind == other.Kind && Precision == other.Precision && Scale == other.Scale &&
        Equals(Element, other.Element) && Fields.SequenceEqual(other.Fields);

    public override int GetHashCode() => HashCode.Combine(Kind, Precision, Scale, Element, Fields.Length);

    public override string ToString() => Kind switch
    {
        ColumnKind.Decimal => string.Create(CultureInfo.InvariantCulture, $"decimal({Precision},{Scale})"),
        ColumnKind.List => $"list<{Element}>",
        ColumnKind.Struct => "struct<" + string.Join(", ", Fields.Select(f => $"{f.Name} {f.Type}")) + ">",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses the text form (case-insensitive; also accepts common SQL aliases such as <c>bigint</c>, <c>varchar</c>, <c>numeric(p,s)</c>).</summary>
    /// <exception cref="FormatException">The text is not a type; the message names the text and the position.</exception>
    public static ColumnType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var position = 0;
        var type = ParseType(text, ref position);
        SkipSpace(text, ref position);
        if (position != text.Length)
        {
            throw new FormatException($"Unexpected '{text[position..]}' after type '{text[..position].Trim()}' in '{text}'.");
        }

        return type;
    }

    private static ColumnType ParseType(string text, ref int position)
    {
        SkipSpace(text, ref position);
        var start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
        {
            position++;
        }

        var name = text[start..position].ToLowerInvariant();
        if (name.Length == 0)
        {
            throw new FormatException($"Expected a type name at position {start + 1} of '{text}'.");
        }

        switch (name)
        {
            case "decimal" or "numeric":
                SkipSpace(text, ref position);
                if (position < text.Length && text[position] == '(')
                {
                    position++;
                    var precision = ParseInt(text, ref position);
                    var scale = 0;
                    SkipSpace(text, ref position);
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                        scale = ParseInt(text, ref position);
                    }

                    Expect(text, ref position, ')');
                    try
                    {
                        return Decimal(precision, scale);
                    }
                    catch (ArgumentOutOfRangeException)
                    {
                        throw new FormatException($"decimal({precision},{scale}) in '{text}' is out of range: precision must be 1..{MaxDecimalPrecision} and scale 0..precision.");
                    }
                }

                return Decimal(18, 3);
            case "list" or "array":
                Expect(text, ref position, '<');
                var element = ParseType(text, ref position);
                Expect(text, ref position, '>');
                return List(element);
            case "struct":
                Expect(text, ref position, '<');
                var fields = new List<ColumnField>();
                while (true)
                {
                    SkipSpace(text, ref position);
                    var fieldStart = position;
                    while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not (':' or ','))
                    {
                        position++;
                    }

                    var fieldName = text[fieldStart..position];
                    SkipSpace(text, ref position);
                    if (position < text.Length && text[position] == ':')
                    {
                        position++;
                    }

                    fields.Add(new ColumnField(fieldName, ParseType(text, ref position)));
                    SkipSpace(text, ref position);
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                        continue;
                    }

                    Expect(text, ref position, '>');
                    return Struct(fields);
                }
        }

        return name switch
        {
            "boolean" or "bool" => Boolean,
            "int8" or "tinyint" => Int8,
            "int16" or "smallint" => Int16,
            "int32" or "int" or "integer" => Int32,
            "int64" or "bigint" => Int64,
            "uint8" or "utinyint" => UInt8,
            "uint16" or "usmallint" => UInt16,
            "uint32" or "uinteger" => UInt32,
            "uint64" or "ubigint" => UInt64,
            "float32" or "float" or "real" => Float32,
            "float64" or "double" => Float64,
            "string" or "text" or "varchar" => String,
            "bytes" or "blob" or "bytea" => Bytes,
            "date" => Date,
            "time" => Time,
            "timestamp" or "datetime" => Timestamp,
            "timestamptz" => TimestampTz,
            "interval" => Interval,
            "uuid" => Uuid,
            "json" or "jsonb" => Json,
            _ => throw new FormatException($"Unknown type '{name}' in '{text}'. Known: boolean, int8..int64, uint8..uint64, float32, float64, decimal(p,s), string, bytes, date, time, timestamp, timestamptz, interval, uuid, json, list<T>, struct<name T, ...>."),
        };
    }

    private static int ParseInt(string text, ref int position)
    {
        SkipSpace(text, ref position);
        var start = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        if (start == position)
        {
            throw new FormatException($"Expected a number at position {start + 1} of '{text}'.");
        }

        return int.Parse(text.AsSpan(start, position - start), CultureInfo.InvariantCulture);
    }

    private static void Expect(string text, ref int position, char expected)
    {
        SkipSpace(text, ref position);
        if (position >= text.Length || text[position] != expected)
        {
            throw new FormatException($"Expected '{expected}' at position {position + 1} of '{text}'.");
        }

        position++;
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(ToString());
        return true;
    }
}
