using Nagare.Core.Batches;
using Nagare.Core.Text;
using Nagare.Core.Types;

namespace Nagare.Connectors.MySql;

/// <summary>Canonical values as the parameter values MySQL stores exactly in the columns <see cref="MySqlDialect.TypeName"/> declares.</summary>
internal static class MySqlValueWriter
{
    /// <summary>The parameter value of a non-NULL row of a vector.</summary>
    public delegate object ToParameter(ColumnVector vector, int row);

    /// <summary>The converter for a vector of <paramref name="type"/>; <paramref name="fail"/> builds an error naming the column.</summary>
    public static ToParameter For(ColumnType type, Func<string, Exception> fail) => type.Kind switch
    {
        ColumnKind.Boolean => (v, r) => ((ColumnVector<bool>)v).Values[r],
        ColumnKind.Int8 => (v, r) => ((ColumnVector<sbyte>)v).Values[r],
        ColumnKind.Int16 => (v, r) => ((ColumnVector<short>)v).Values[r],
        ColumnKind.Int32 => (v, r) => ((ColumnVector<int>)v).Values[r],
        ColumnKind.Int64 => (v, r) => ((ColumnVector<long>)v).Values[r],
        ColumnKind.UInt8 => (v, r) => ((ColumnVector<byte>)v).Values[r],
        ColumnKind.UInt16 => (v, r) => ((ColumnVector<ushort>)v).Values[r],
        ColumnKind.UInt32 => (v, r) => ((ColumnVector<uint>)v).Values[r],
        ColumnKind.UInt64 => (v, r) => ((ColumnVector<ulong>)v).Values[r],
        ColumnKind.Float32 => (v, r) => Finite(((ColumnVector<float>)v).Values[r], fail),
        ColumnKind.Float64 => (v, r) => Finite(((ColumnVector<double>)v).Values[r], fail),
        // Exact text: MySQL converts a string into a DECIMAL column digit for digit.
        ColumnKind.Decimal => (v, r) => UnscaledDecimal.FitsPrecision(((ColumnVector<Int128>)v).Values[r], type.Precision)
            ? UnscaledDecimal.ToString(((ColumnVector<Int128>)v).Values[r], type.Scale)
            : throw fail($"{UnscaledDecimal.ToString(((ColumnVector<Int128>)v).Values[r], type.Scale)} does not fit {type} (at most {type.Precision - type.Scale} digits before the point)"),
        ColumnKind.String or ColumnKind.Json => (v, r) => ((ColumnVector<string?>)v).Values[r] ?? (object)DBNull.Value,
        ColumnKind.Bytes => (v, r) => ((ColumnVector<byte[]?>)v).Values[r] ?? (object)DBNull.Value,
        ColumnKind.Date => (v, r) => ((ColumnVector<DateOnly>)v).Values[r].ToDateTime(TimeOnly.MinValue),
        ColumnKind.Time => (v, r) => ((ColumnVector<TimeOnly>)v).Values[r].ToTimeSpan(),
        ColumnKind.Timestamp => (v, r) => DateTime.SpecifyKind(((ColumnVector<DateTime>)v).Values[r], DateTimeKind.Unspecified),
        ColumnKind.TimestampTz => (v, r) => DateTime.SpecifyKind(((ColumnVector<DateTimeOffset>)v).Values[r].UtcDateTime, DateTimeKind.Unspecified),
        ColumnKind.Interval => (v, r) => ValueFormat.Format(((ColumnVector<Interval>)v).Values[r]),
        ColumnKind.Uuid => (v, r) => ((ColumnVector<Guid>)v).Values[r].ToString("D"),
        _ => (v, r) => ValueFormat.ToJson(v.GetBoxed(r), type),
    };

    /// <summary>Roughly how many bytes a value takes in a statement, to keep statements under the server's packet limit.</summary>
    public static int Size(object value) => value switch
    {
        string s => (s.Length * 3) + 2,
        byte[] b => (b.Length * 2) + 3,
        _ => 24,
    };

    private static object Finite(double value, Func<string, Exception> fail) =>
        double.IsFinite(value) ? value : throw fail($"{value} cannot be stored: MySQL floats hold finite numbers only");

    // As a double: the shortest text of float.MaxValue (3.4028235E+38) parses above FLT_MAX and is refused as out of range.
    private static object Finite(float value, Func<string, Exception> fail) =>
        float.IsFinite(value) ? (double)value : throw fail($"{value} cannot be stored: MySQL floats hold finite numbers only");
}
