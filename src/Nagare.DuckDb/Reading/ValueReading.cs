using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// Typed reads without boxing: for value types the JIT keeps only the branch that matches
/// the requested type, so <c>GetFieldValue&lt;long&gt;</c> compiles to one virtual call.
/// </summary>
internal static class ValueReading
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(VectorReader reader, ulong row)
    {
        if (typeof(T) == typeof(long)) { var v = reader.GetInt64(row); return Unsafe.As<long, T>(ref v); }
        if (typeof(T) == typeof(double)) { var v = reader.GetDouble(row); return Unsafe.As<double, T>(ref v); }
        if (typeof(T) == typeof(int)) { var v = reader.GetInt32(row); return Unsafe.As<int, T>(ref v); }
        if (typeof(T) == typeof(bool)) { var v = reader.GetBoolean(row); return Unsafe.As<bool, T>(ref v); }
        if (typeof(T) == typeof(short)) { var v = reader.GetInt16(row); return Unsafe.As<short, T>(ref v); }
        if (typeof(T) == typeof(sbyte)) { var v = reader.GetSByte(row); return Unsafe.As<sbyte, T>(ref v); }
        if (typeof(T) == typeof(byte)) { var v = reader.GetByte(row); return Unsafe.As<byte, T>(ref v); }
        if (typeof(T) == typeof(ushort)) { var v = reader.GetUInt16(row); return Unsafe.As<ushort, T>(ref v); }
        if (typeof(T) == typeof(uint)) { var v = reader.GetUInt32(row); return Unsafe.As<uint, T>(ref v); }
        if (typeof(T) == typeof(ulong)) { var v = reader.GetUInt64(row); return Unsafe.As<ulong, T>(ref v); }
        if (typeof(T) == typeof(Int128)) { var v = reader.GetInt128(row); return Unsafe.As<Int128, T>(ref v); }
        if (typeof(T) == typeof(UInt128)) { var v = reader.GetUInt128(row); return Unsafe.As<UInt128, T>(ref v); }
        if (typeof(T) == typeof(float)) { var v = reader.GetFloat(row); return Unsafe.As<float, T>(ref v); }
        if (typeof(T) == typeof(decimal)) { var v = reader.GetDecimal(row); return Unsafe.As<decimal, T>(ref v); }
        if (typeof(T) == typeof(DuckDbDecimal)) { var v = reader.GetDuckDbDecimal(row); return Unsafe.As<DuckDbDecimal, T>(ref v); }
        if (typeof(T) == typeof(DateTime)) { var v = reader.GetDateTime(row); return Unsafe.As<DateTime, T>(ref v); }
        if (typeof(T) == typeof(DateOnly)) { var v = reader.GetDateOnly(row); return Unsafe.As<DateOnly, T>(ref v); }
        if (typeof(T) == typeof(TimeOnly)) { var v = reader.GetTimeOnly(row); return Unsafe.As<TimeOnly, T>(ref v); }
        if (typeof(T) == typeof(DateTimeOffset)) { var v = reader.GetDateTimeOffset(row); return Unsafe.As<DateTimeOffset, T>(ref v); }
        if (typeof(T) == typeof(TimeSpan)) { var v = reader.GetTimeSpan(row); return Unsafe.As<TimeSpan, T>(ref v); }
        if (typeof(T) == typeof(Guid)) { var v = reader.GetGuid(row); return Unsafe.As<Guid, T>(ref v); }
        if (typeof(T) == typeof(BigInteger)) { var v = reader.GetBigInteger(row); return Unsafe.As<BigInteger, T>(ref v); }
        if (typeof(T) == typeof(string)) { return (T)(object)reader.GetString(row); }
        if (typeof(T) == typeof(byte[])) { return (T)(object)reader.GetBlob(row); }
        return ReadBoxed<T>(reader, row);
    }

    private static T ReadBoxed<T>(VectorReader reader, ulong row)
    {
        var value = reader.GetValue(row);
        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target))
        {
            try
            {
                return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                throw new InvalidCastException(reader.CannotRead(typeof(T)).Message, e);
            }
        }

        throw reader.CannotRead(typeof(T));
    }

    /// <summary>The value of a NULL element when read as <typeparamref name="T"/>.</summary>
    public static T NullAs<T>(VectorReader reader)
    {
        if (default(T) is null)
        {
            return default!;
        }

        throw new InvalidCastException(
            $"'{reader.Name}' is NULL and cannot be read as {typeof(T).Name}; read it as a nullable type or test IsDBNull first.");
    }
}
