using System.Globalization;
using System.Text;
using Nagare.Core.Types;

namespace Nagare.Runtime.Replication;

/// <summary>Invariant text of canonical values, for casts to text, masking of non-text columns and rejected-row reports.</summary>
public static class ValueText
{
    /// <summary>The value as text: ISO 8601 for times, invariant digits for numbers, lower-case hex for bytes.</summary>
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime t => t.ToString(t.TimeOfDay.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString(t.UtcDateTime.TimeOfDay.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => System.Convert.ToHexStringLower(bytes),
        Guid g => g.ToString("D"),
        Interval i => string.Create(CultureInfo.InvariantCulture, $"{i.Months} months {i.Days} days {i.Microseconds} us"),
        object?[] list => "[" + string.Join(", ", list.Select(Format)) + "]",
        IReadOnlyDictionary<string, object?> fields => "{" + string.Join(", ", fields.Select(f => $"{f.Key}: {Format(f.Value)}")) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

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
            return Format(value);
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
            double or float => DecimalValue.TryParse(((IFormattable)value).ToString("R", c), out var d) ? d : throw new OverflowException($"{Format(value)} is not a decimal of at most 38 digits"),
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
