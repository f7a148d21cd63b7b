using System.Globalization;
using MySqlConnector;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.Core.Text;
using Nagare.Core.Types;

namespace Nagare.Connectors.MySql;

/// <summary>
/// Reads one column of a MySQL result into a batch vector with the driver's typed getters, chosen once per column
/// from the canonical type and the column's native type (no boxing for numbers and dates).
/// </summary>
internal sealed class MySqlColumnReader
{
    private readonly Func<MySqlDataReader, int, ColumnVector, int, bool> _read;

    private MySqlColumnReader(Func<MySqlDataReader, int, ColumnVector, int, bool> read) => _read = read;

    /// <summary>
    /// Reads the value at <paramref name="ordinal"/> of the current row into <paramref name="vector"/> at <paramref name="row"/>;
    /// false when it is a zero date and <see cref="MySqlZeroDates.Error"/> applies (nothing is written then).
    /// </summary>
    public bool Read(MySqlDataReader reader, int ordinal, ColumnVector vector, int row)
    {
        if (reader.IsDBNull(ordinal))
        {
            vector.SetBoxed(row, null);
            return true;
        }

        return _read(reader, ordinal, vector, row);
    }

    /// <summary>A reader of <paramref name="column"/> (typed as read) whose native type is <paramref name="nativeType"/> (COLUMN_TYPE; null for custom SQL).</summary>
    /// <exception cref="Core.Connectors.ConnectorException">The canonical type cannot be read from MySQL (struct).</exception>
    public static MySqlColumnReader Create(ColumnSchema column, string? nativeType, MySqlConnectorOptions options)
    {
        var native = (nativeType ?? string.Empty).ToLowerInvariant();
        var bit = native.StartsWith("bit", StringComparison.Ordinal);
        var unsigned = native.Contains("unsigned", StringComparison.Ordinal);
        var decimalSource = native.StartsWith("decimal", StringComparison.Ordinal) || native.StartsWith("numeric", StringComparison.Ordinal);
        var datetimeZone = native.StartsWith("datetime", StringComparison.Ordinal) ? options.SourceTimeZone : null;
        var zeroIsNull = options.ZeroDates == MySqlZeroDates.Null;
        var type = column.Type;
        Func<MySqlDataReader, int, ColumnVector, int, bool> read = type.Kind switch
        {
            ColumnKind.Boolean when bit => (r, o, v, i) => Set(v, i, r.GetUInt64(o) != 0),
            ColumnKind.Boolean => (r, o, v, i) => Set(v, i, r.GetInt64(o) != 0),
            ColumnKind.Int8 => (r, o, v, i) => Set(v, i, checked((sbyte)r.GetInt64(o))),
            ColumnKind.Int16 => (r, o, v, i) => Set(v, i, checked((short)r.GetInt64(o))),
            ColumnKind.Int32 => (r, o, v, i) => Set(v, i, checked((int)r.GetInt64(o))),
            ColumnKind.Int64 when unsigned || bit => (r, o, v, i) => Set(v, i, checked((long)r.GetUInt64(o))),
            ColumnKind.Int64 => (r, o, v, i) => Set(v, i, r.GetInt64(o)),
            ColumnKind.UInt8 => (r, o, v, i) => Set(v, i, checked((byte)r.GetUInt64(o))),
            ColumnKind.UInt16 => (r, o, v, i) => Set(v, i, checked((ushort)r.GetUInt64(o))),
            ColumnKind.UInt32 => (r, o, v, i) => Set(v, i, checked((uint)r.GetUInt64(o))),
            ColumnKind.UInt64 => (r, o, v, i) => Set(v, i, r.GetUInt64(o)),
            ColumnKind.Float32 => (r, o, v, i) => Set(v, i, (float)r.GetDouble(o)),
            ColumnKind.Float64 => (r, o, v, i) => Set(v, i, r.GetDouble(o)),
            // Up to 28 digits System.Decimal holds the value exactly, and the driver parses it without a string per value.
            ColumnKind.Decimal when decimalSource && type.Precision <= 28 => (r, o, v, i) => Set(v, i, Decimal(r.GetDecimal(o), type)),
            ColumnKind.Decimal => (r, o, v, i) => Set(v, i, Decimal(decimalSource ? r.GetMySqlDecimal(o).ToString() : Text(r, o), type)),
            ColumnKind.String or ColumnKind.Json => (r, o, v, i) => Set<string?>(v, i, decimalSource ? r.GetMySqlDecimal(o).ToString() : Text(r, o)),
            ColumnKind.Bytes => (r, o, v, i) => Set<byte[]?>(v, i, r.GetValue(o) is byte[] bytes ? bytes : System.Text.Encoding.UTF8.GetBytes(Text(r, o))),
            ColumnKind.Date => (r, o, v, i) => Date(r.GetMySqlDateTime(o), zeroIsNull, v, i, static (d, v, i) => Set(v, i, DateOnly.FromDateTime(d))),
            ColumnKind.Timestamp => (r, o, v, i) => Date(r.GetMySqlDateTime(o), zeroIsNull, v, i, static (d, v, i) => Set(v, i, d)),
            ColumnKind.TimestampTz => (r, o, v, i) => Date(r.GetMySqlDateTime(o), zeroIsNull, v, i, (d, v, i) => Set(v, i, Instant(d, datetimeZone))),
            ColumnKind.Time => (r, o, v, i) => Set(v, i, TimeOnly.FromTimeSpan(r.GetTimeSpan(o))),
            ColumnKind.Interval => (r, o, v, i) => Set(v, i, new Interval(0, 0, r.GetTimeSpan(o).Ticks / TimeSpan.TicksPerMicrosecond)),
            ColumnKind.Uuid => (r, o, v, i) => Set(v, i, r.GetValue(o) is byte[] { Length: 16 } raw ? new Guid(raw, bigEndian: true) : Guid.Parse(Text(r, o))),
            ColumnKind.List when type.Element!.Kind == ColumnKind.String => (r, o, v, i) => Set<object?[]?>(v, i, SetMembers(Text(r, o))),
            _ => throw new Core.Connectors.ConnectorException(
                $"Column '{column.Name}': {type} cannot be read from MySQL; read it as json or string (a cast in the sync's column mapping)."),
        };
        return new MySqlColumnReader(read);
    }

    /// <summary>A local time of <paramref name="zone"/> (or UTC when null) as an instant; a time in a spring-forward gap is taken as after the gap.</summary>
    internal static DateTimeOffset Instant(DateTime local, TimeZoneInfo? zone)
    {
        if (zone is null)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero);
        }

        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            var before = zone.GetUtcOffset(unspecified.AddHours(-3));
            return new DateTimeOffset(unspecified - before, TimeSpan.Zero);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }

    private static bool Set<T>(ColumnVector vector, int row, T value)
    {
        ((ColumnVector<T>)vector).Values[row] = value;
        return true;
    }

    private static bool Date(MySqlDateTime value, bool zeroIsNull, ColumnVector vector, int row, Func<DateTime, ColumnVector, int, bool> set)
    {
        if (!value.IsValidDateTime)
        {
            if (!zeroIsNull)
            {
                return false;
            }

            vector.SetBoxed(row, null);
            return true;
        }

        return set(value.GetDateTime(), vector, row);
    }

    private static string Text(MySqlDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        string text => text,
        MySqlDecimal exact => exact.ToString(),
        MySqlDateTime { IsValidDateTime: true } date => ValueFormat.Format(date.GetDateTime()),
        MySqlDateTime date => date.ToString(),
        TimeSpan span => ValueFormat.Format(new Interval(0, 0, span.Ticks / TimeSpan.TicksPerMicrosecond)),
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        var other => ValueFormat.Format(other),
    };

    private static Int128 Decimal(string text, ColumnType type) =>
        UnscaledDecimal.TryParse(text, type.Scale, out var unscaled) && UnscaledDecimal.FitsPrecision(unscaled, type.Precision)
            ? unscaled
            : throw new OverflowException($"the value {text} does not fit {type}");

    private static Int128 Decimal(decimal value, ColumnType type) =>
        UnscaledDecimal.TryFromDecimal(value, type.Scale, out var unscaled) && UnscaledDecimal.FitsPrecision(unscaled, type.Precision)
            ? unscaled
            : throw new OverflowException($"the value {value.ToString(CultureInfo.InvariantCulture)} does not fit {type}");

    /// <summary>A SET value's members (<c>a,b</c>); the empty set is an empty list.</summary>
    private static object?[] SetMembers(string text) => text.Length == 0 ? [] : [.. text.Split(',')];

    /// <summary>Invariant text of a key value, for messages.</summary>
    internal static string KeyText(object? value) => value switch
    {
        null or DBNull => "NULL",
        MySqlDateTime date => date.ToString(),
        MySqlDecimal exact => exact.ToString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
