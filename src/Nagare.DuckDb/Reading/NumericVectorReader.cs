using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// Integer and floating-point vectors (TINYINT..BIGINT, UTINYINT..UBIGINT, HUGEINT, UHUGEINT,
/// FLOAT, DOUBLE). Values are read in place; reads as another numeric type convert with overflow
/// checks, so <c>GetInt32</c> works on a BIGINT <c>count(*)</c>.
/// </summary>
internal sealed unsafe class NumericVectorReader<T> : VectorReader
    where T : unmanaged, INumberBase<T>
{
    public NumericVectorReader(DuckDbType type, string typeName)
        : base(type, typeName, typeof(T))
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read(ulong row) => ((T*)Data)[row];

    public override object GetValue(ulong row) => Read(row);

    public override bool GetBoolean(ulong row) => !T.IsZero(Read(row));

    public override sbyte GetSByte(ulong row) => Convert<sbyte>(row);

    public override byte GetByte(ulong row) => Convert<byte>(row);

    public override short GetInt16(ulong row) => Convert<short>(row);

    public override ushort GetUInt16(ulong row) => Convert<ushort>(row);

    public override int GetInt32(ulong row) => Convert<int>(row);

    public override uint GetUInt32(ulong row) => Convert<uint>(row);

    public override long GetInt64(ulong row) => Convert<long>(row);

    public override ulong GetUInt64(ulong row) => Convert<ulong>(row);

    public override Int128 GetInt128(ulong row) => Convert<Int128>(row);

    public override DuckDbDecimal GetDuckDbDecimal(ulong row) => typeof(T) != typeof(float) && typeof(T) != typeof(double) ? new(Convert<Int128>(row), 0) : throw CannotRead(typeof(DuckDbDecimal));

    public override UInt128 GetUInt128(ulong row) => Convert<UInt128>(row);

    public override BigInteger GetBigInteger(ulong row) => Convert<BigInteger>(row);

    public override float GetFloat(ulong row) => float.CreateTruncating(Read(row));

    public override double GetDouble(ulong row) => double.CreateTruncating(Read(row));

    public override decimal GetDecimal(ulong row) => Convert<decimal>(row);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TTarget Convert<TTarget>(ulong row)
        where TTarget : INumberBase<TTarget>
    {
        var value = Read(row);
        if (typeof(TTarget) == typeof(T))
        {
            return Unsafe.As<T, TTarget>(ref value);
        }

        try
        {
            return TTarget.CreateChecked(value);
        }
        catch (OverflowException)
        {
            throw OutOfRange(value.ToString(null, CultureInfo.InvariantCulture), typeof(TTarget));
        }
    }
}
