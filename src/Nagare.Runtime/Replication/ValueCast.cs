using System.Globalization;
using System.Text;
using Nagare.Core.Text;
using Nagare.Core.Types;

namespace Nagare.Runtime.Replication;

/// <summary>Casts between canonical types in a stream's column mapping; to text, the canonical text (<see cref="ValueFormat"/>).</summary>
public static class ValueCast
{
    /// <summary>Converts a canonical value to the .NET value type of <paramref name="target"/>.</summary>
    /// <exception cref="FormatException">The value has no representation in the target type.</exception>
    /// <exception cref="OverflowException">The value is out of the target type's range.</exception>
    public static object Convert(object value, ColumnType target)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(target);
        var c = CultureInfo.InvariantCulture;
        if (target.Kind is ColumnKind.String or ColumnKind.Json)
        {
            return ValueFormat.Format(value);
        }

        if (value is string text)
        {
            text = text.Trim();
            return target.Kind switch
            {
                ColumnKind.Boolean => text.ToLowerInvariant() switch
                {
                    "true" or "t" or "1" or "yes" or "y" => true,
                    "false" or "f" or "0" or "no" or "n" => false,
                    _ => throw new FormatException($"'{text}' is not a boolean"),
                },
                ColumnKind.Decimal => Round(DecimalValue.TryParse(text, out var parsed) ? parsed : throw new FormatException($"'{text}' is not a decimal number of at most 38 digits"), target),
                ColumnKind.Float32 => float.Parse(text, NumberStyles.Float, c),
                ColumnKind.Float64 => double.Parse(text, NumberStyles.Float, c),
                ColumnKind.Date => DateOnly.FromDateTime(DateTime.Parse(text, c, DateTimeStyles.None)),
                ColumnKind.Time => TimeOnly.Parse(text, c),
                ColumnKind.Timestamp => DateTime.SpecifyKind(DateTime.Parse(text, c, DateTimeStyles.None), DateTimeKind.Unspecified),
                ColumnKind.TimestampTz => DateTimeOffset.Parse(text, c, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
                ColumnKind.Uuid => Guid.Parse(text, c),
                ColumnKind.Bytes => Encoding.UTF8.GetBytes(text),
                _ when target.IsInteger => Integer(DecimalValue.TryParse(text, out var whole) ? whole : throw new FormatException($"'{text}' is not a number"), target),
                _ => throw new FormatException($"text cannot be cast to {target}"),
            };
        }

        if (target.Kind == ColumnKind.Decimal)
        {
            return Round(Exact(value), target);
        }

        if (target.IsInteger && value is DecimalValue or decimal or double or float or sbyte or short or int or long or byte or ushort or uint or ulong or bool)
        {
            return Integer(Exact(value), target);
        }

        return (target.Kind, value) switch
        {
            (ColumnKind.Float64, DecimalValue d) => d.ToDouble(),
            (ColumnKind.Float32, DecimalValue d) => (float)d.ToDouble(),
            (ColumnKind.Boolean, DecimalValue d) => d.Unscaled != 0,
            (ColumnKind.Float64, IConvertible v) when value is not DateTime => v.ToDouble(c),
            (ColumnKind.Float32, IConvertible v) when value is not DateTime => v.ToSingle(c),
            (ColumnKind.Boolean, IConvertible v) when value is not DateTime => v.ToDecimal(c) != 0,
            (ColumnKind.Date, DateTime t) => DateOnly.FromDateTime(t),
            (ColumnKind.Date, DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime),
            (ColumnKind.Timestamp, DateOnly d) => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified),
            (ColumnKind.Timestamp, DateTimeOffset t) => DateTime.SpecifyKind(t.UtcDateTime, DateTimeKind.Unspecified),
            (ColumnKind.TimestampTz, DateTime t) => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Unspecified), TimeSpan.Zero),
            (ColumnKind.TimestampTz, DateOnly d) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), TimeSpan.Zero),
            (ColumnKind.Time, DateTime t) => TimeOnly.FromDateTime(t),
            _ => throw new FormatException($"a {value.GetType().Name} value cannot be cast to {target}"),
        };
    }

    /// <summary>A number as an exact decimal (a double as its shortest round-trip text).</summary>
    private static DecimalValue Exact(object value)
    {
        var c = CultureInfo.InvariantCulture;
        return value switch
        {
            DecimalValue d => d,
            decimal m => DecimalValue.FromDecimal(m),
            bool b => new DecimalValue(b ? 1 : 0, 0),
            ulong u => new DecimalValue(u, 0),
            double or float => DecimalValue.TryParse(((IFormattable)value).ToString("R", c), out var d) ? d : throw new OverflowException($"{ValueFormat.Format(value)} is not a decimal of at most 38 digits"),
            IConvertible v and not DateTime => new DecimalValue(v.ToInt64(c), 0),
            _ => throw new FormatException($"a {value.GetType().Name} value cannot be cast to a number"),
        };
    }

    /// <summary>An explicit cast rounds half away from zero to the target's scale, as SQL casts do.</summary>
    private static DecimalValue Round(DecimalValue value, ColumnType target) =>
        UnscaledDecimal.TryRound(value.Unscaled, value.Scale, target.Scale, out var rounded) && UnscaledDecimal.FitsPrecision(rounded, target.Precision)
            ? new DecimalValue(rounded, target.Scale)
            : throw new OverflowException($"{value} does not fit {target}");

    private static object Integer(DecimalValue value, ColumnType target)
    {
        if (!value.TryRescale(0, out var whole))
        {
            throw new FormatException($"{value} is not a whole number");
        }

        return target.Kind switch
        {
            ColumnKind.Int8 => (object)checked((sbyte)whole),
            ColumnKind.Int16 => checked((short)whole),
            ColumnKind.Int32 => checked((int)whole),
            ColumnKind.Int64 => checked((long)whole),
            ColumnKind.UInt8 => checked((byte)whole),
            ColumnKind.UInt16 => checked((ushort)whole),
            ColumnKind.UInt32 => checked((uint)whole),
            _ => checked((ulong)whole),
        };
    }
}
