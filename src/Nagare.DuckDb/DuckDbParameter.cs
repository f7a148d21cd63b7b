using System.Buffers;
using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb;

/// <summary>
/// A value bound to a <c>$name</c>, <c>$1</c> or <c>?</c> placeholder. The value's .NET type picks
/// the DuckDB type: bool → BOOLEAN; sbyte/short/int/long → TINYINT..BIGINT; byte/ushort/uint/ulong →
/// UTINYINT..UBIGINT; <see cref="Int128"/>/<see cref="BigInteger"/> → HUGEINT; <see cref="UInt128"/> →
/// UHUGEINT; float/double → FLOAT/DOUBLE; decimal → DECIMAL; string/char → VARCHAR; byte[] and
/// <see cref="ReadOnlyMemory{T}"/> of bytes → BLOB; <see cref="DateOnly"/> → DATE; <see cref="TimeOnly"/> → TIME;
/// <see cref="DateTime"/> → TIMESTAMP (DATE when <see cref="DbType"/> is <see cref="DbType.Date"/>);
/// <see cref="DateTimeOffset"/> → TIMESTAMPTZ; <see cref="TimeSpan"/> and <see cref="DuckDbInterval"/> →
/// INTERVAL; <see cref="Guid"/> → UUID; <see cref="DuckDbTimeTz"/> → TIMETZ; enums → their underlying
/// integer; null and <see cref="DBNull"/> → NULL. DuckDB casts the value to the type the statement expects.
/// </summary>
public sealed class DuckDbParameter : DbParameter
{
    private const int StackBufferBytes = 512;

    private string _name = "";
    private DbType? _dbType;

    public DuckDbParameter()
    {
    }

    public DuckDbParameter(string parameterName, object? value)
    {
        _name = parameterName ?? "";
        Value = value;
    }

    public DuckDbParameter(object? value)
    {
        Value = value;
    }

    public override DbType DbType
    {
        get => _dbType ?? Infer(Value);
        set => _dbType = value;
    }

    /// <summary>Only <see cref="ParameterDirection.Input"/> is supported.</summary>
    public override ParameterDirection Direction
    {
        get => ParameterDirection.Input;
        set
        {
            if (value != ParameterDirection.Input)
            {
                throw new NotSupportedException($"DuckDB parameters are input only; {value} is not supported.");
            }
        }
    }

    public override bool IsNullable { get; set; }

    /// <summary>Name with or without its prefix (<c>$name</c>, <c>@name</c>, <c>:name</c> and <c>name</c> are the same); empty for positional use.</summary>
    [AllowNull]
    public override string ParameterName
    {
        get => _name;
        set => _name = value ?? "";
    }

    public override int Size { get; set; }

    [AllowNull]
    public override string SourceColumn { get; set; } = "";

    public override bool SourceColumnNullMapping { get; set; }

    public override object? Value { get; set; }

    /// <summary>The name without its prefix character.</summary>
    internal string NormalizedName => Normalize(_name);

    public override void ResetDbType() => _dbType = null;

    internal static string Normalize(string name) =>
        name.Length > 0 && name[0] is '$' or '@' or ':' ? name[1..] : name;

    /// <summary>Binds the value to 1-based parameter <paramref name="index"/> of a prepared statement.</summary>
    internal unsafe void Bind(IntPtr prepared, ulong index, string placeholder)
    {
        var state = BindValue(prepared, index, Value);
        if (state != DuckDbState.Success)
        {
            var message = Marshal.PtrToStringUTF8(NativeMethods.duckdb_prepare_error(prepared));
            throw new DuckDbException($"Could not bind parameter {placeholder}: {message ?? "DuckDB rejected the value."}");
        }
    }

    private unsafe DuckDbState BindValue(IntPtr prepared, ulong index, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                return NativeMethods.duckdb_bind_null(prepared, index);
            case bool v:
                return NativeMethods.duckdb_bind_boolean(prepared, index, v);
            case sbyte v:
                return NativeMethods.duckdb_bind_int8(prepared, index, v);
            case short v:
                return NativeMethods.duckdb_bind_int16(prepared, index, v);
            case int v:
                return NativeMethods.duckdb_bind_int32(prepared, index, v);
            case long v:
                return NativeMethods.duckdb_bind_int64(prepared, index, v);
            case byte v:
                return NativeMethods.duckdb_bind_uint8(prepared, index, v);
            case ushort v:
                return NativeMethods.duckdb_bind_uint16(prepared, index, v);
            case uint v:
                return NativeMethods.duckdb_bind_uint32(prepared, index, v);
            case ulong v:
                return NativeMethods.duckdb_bind_uint64(prepared, index, v);
            case Int128 v:
                return NativeMethods.duckdb_bind_hugeint(prepared, index, ToHugeInt(v));
            case UInt128 v:
                return NativeMethods.duckdb_bind_uhugeint(prepared, index, new DuckDbUHugeIntStruct { Lower = (ulong)v, Upper = (ulong)(v >> 64) });
            case BigInteger v:
                return v >= (BigInteger)Int128.MinValue && v <= (BigInteger)Int128.MaxValue
                    ? NativeMethods.duckdb_bind_hugeint(prepared, index, ToHugeInt((Int128)v))
                    : throw new OverflowException($"Parameter {ParameterName}: {v} does not fit in a HUGEINT.");
            case float v:
                return NativeMethods.duckdb_bind_float(prepared, index, v);
            case double v:
                return NativeMethods.duckdb_bind_double(prepared, index, v);
            case decimal v:
                return NativeMethods.duckdb_bind_decimal(prepared, index, ToDecimal(v));
            case DuckDbDecimal v:
                return NativeMethods.duckdb_bind_decimal(prepared, index, ToDecimal(v));
            case string v:
                return BindText(prepared, index, v);
            case char v:
                return BindText(prepared, index, v.ToString());
            case char[] v:
                return BindText(prepared, index, new string(v));
            case byte[] v:
                return BindBlob(prepared, index, v);
            case ReadOnlyMemory<byte> v:
                return BindBlob(prepared, index, v.Span);
            case Memory<byte> v:
                return BindBlob(prepared, index, v.Span);
            case ArraySegment<byte> v:
                return BindBlob(prepared, index, v.AsSpan());
            case DateOnly v:
                return NativeMethods.duckdb_bind_date(prepared, index, v.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber);
            case TimeOnly v:
                return NativeMethods.duckdb_bind_time(prepared, index, v.Ticks / TimeSpan.TicksPerMicrosecond);
            case DateTime v when _dbType == DbType.Date:
                return BindValue(prepared, index, DateOnly.FromDateTime(v));
            case DateTime v:
                return NativeMethods.duckdb_bind_timestamp(prepared, index, (v.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond);
            case DateTimeOffset v:
                return NativeMethods.duckdb_bind_timestamp_tz(prepared, index, (v.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond);
            case TimeSpan v:
                return BindValue(prepared, index, DuckDbInterval.FromTimeSpan(v));
            case DuckDbInterval v:
                return NativeMethods.duckdb_bind_interval(prepared, index, new DuckDbIntervalStruct { Months = v.Months, Days = v.Days, Micros = v.Micros });
            case Guid v:
                return BindOwnedValue(prepared, index, NativeMethods.duckdb_create_uuid(ToUuid(v)));
            case DuckDbTimeTz v:
                return BindOwnedValue(prepared, index, NativeMethods.duckdb_create_time_tz_value(v.ToBits()));
            case Enum v:
                return BindValue(prepared, index, Convert.ChangeType(v, Enum.GetUnderlyingType(v.GetType()), System.Globalization.CultureInfo.InvariantCulture));
            default:
                throw new NotSupportedException(
                    $"Parameter {(ParameterName.Length > 0 ? ParameterName : "at index " + index)} has a value of type {value.GetType().Name}, which DuckDB parameters do not support.");
        }
    }

    private static unsafe DuckDbState BindText(IntPtr prepared, ulong index, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        Span<byte> buffer = length <= StackBufferBytes ? stackalloc byte[StackBufferBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            fixed (byte* bytes = buffer)
            {
                return NativeMethods.duckdb_bind_varchar_length(prepared, index, bytes, (ulong)written);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static unsafe DuckDbState BindBlob(IntPtr prepared, ulong index, ReadOnlySpan<byte> data)
    {
        // A valid pointer even for an empty blob.
        byte dummy = 0;
        fixed (byte* bytes = data)
        {
            return NativeMethods.duckdb_bind_blob(prepared, index, data.IsEmpty ? &dummy : bytes, (ulong)data.Length);
        }
    }

    private static DuckDbState BindOwnedValue(IntPtr prepared, ulong index, IntPtr value)
    {
        using var handle = new DuckDbValueHandle(value);
        return NativeMethods.duckdb_bind_value(prepared, index, value);
    }

    private static DuckDbHugeIntStruct ToHugeInt(Int128 value) =>
        new() { Lower = (ulong)value, Upper = (long)(value >> 64) };

    private static DuckDbUHugeIntStruct ToUuid(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return new DuckDbUHugeIntStruct
        {
            Upper = BinaryPrimitives.ReadUInt64BigEndian(bytes),
            Lower = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        };
    }

    private static DuckDbDecimalStruct ToDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)((bits[3] >> 16) & 0xFF);
        var magnitude = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var width = 1;
        for (var limit = (UInt128)10; width < 38 && magnitude >= limit; limit *= 10)
        {
            width++;
        }

        width = Math.Max(width, scale + 1);
        var signed = value < 0 ? -(Int128)magnitude : (Int128)magnitude;
        return new DuckDbDecimalStruct { Width = (byte)Math.Min(width, 38), Scale = scale, Value = ToHugeInt(signed) };
    }

    /// <summary>A DECIMAL(38) value binds exactly, at its own scale.</summary>
    private static DuckDbDecimalStruct ToDecimal(DuckDbDecimal value) =>
        new() { Width = 38, Scale = value.Scale, Value = ToHugeInt(value.Unscaled) };

    private DbType Infer(object? value) => value switch
    {
        bool => DbType.Boolean,
        sbyte => DbType.SByte,
        short => DbType.Int16,
        int => DbType.Int32,
        long => DbType.Int64,
        byte => DbType.Byte,
        ushort => DbType.UInt16,
        uint => DbType.UInt32,
        ulong => DbType.UInt64,
        float => DbType.Single,
        double => DbType.Double,
        decimal or DuckDbDecimal => DbType.Decimal,
        byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte> => DbType.Binary,
        DateOnly => DbType.Date,
        TimeOnly => DbType.Time,
        DateTime => DbType.DateTime2,
        DateTimeOffset => DbType.DateTimeOffset,
        Guid => DbType.Guid,
        string or char or char[] => DbType.String,
        _ => DbType.Object,
    };
}
