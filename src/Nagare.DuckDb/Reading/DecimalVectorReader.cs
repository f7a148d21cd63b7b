using System.Globalization;
using System.Numerics;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// DECIMAL(width, scale) vectors. DuckDB stores the unscaled value as SMALLINT (width ≤ 4),
/// INTEGER (≤ 9), BIGINT (≤ 18) or HUGEINT (≤ 38). A .NET decimal holds 96 bits with a scale
/// of at most 28: digits beyond that are rounded (half away from zero), and a value whose
/// integer part does not fit throws <see cref="OverflowException"/> naming the column.
/// <see cref="GetDuckDbDecimal"/> and <see cref="GetString"/> are always exact, and so is <see cref="GetValue"/>: a
/// .NET decimal when the value fits one exactly, else the <see cref="DuckDbDecimal"/> (never a rounded decimal).
/// </summary>
internal sealed unsafe class DecimalVectorReader : VectorReader
{
    private static readonly UInt128 MaxMantissa = (UInt128.One << 96) - 1;
    private static readonly UInt128[] PowersOfTen = BuildPowersOfTen();

    private readonly DuckDbType _storage;
    private readonly byte _scale;

    public DecimalVectorReader(DuckDbType storage, byte width, byte scale)
        : base(DuckDbType.Decimal, $"DECIMAL({width},{scale})", typeof(decimal))
    {
        _storage = storage;
        _scale = scale;
        Width = width;
    }

    public byte Width { get; }

    public byte Scale => _scale;

    public override object GetValue(ulong row)
    {
        if (_storage is DuckDbType.SmallInt or DuckDbType.Integer or DuckDbType.BigInt)
        {
            return GetDecimal(row);
        }

        var value = Unscaled(row);
        var magnitude = value < 0 ? (UInt128)(-(value + 1)) + 1 : (UInt128)value;
        return _scale <= 28 && magnitude <= MaxMantissa ? Compose(magnitude, value < 0, _scale) : new DuckDbDecimal(value, _scale);
    }

    public override decimal GetDecimal(ulong row) => _storage switch
    {
        DuckDbType.SmallInt => FromInt64(((short*)Data)[row], _scale),
        DuckDbType.Integer => FromInt64(((int*)Data)[row], _scale),
        DuckDbType.BigInt => FromInt64(((long*)Data)[row], _scale),
        _ => FromInt128(((Int128*)Data)[row]),
    };

    public override double GetDouble(ulong row) => (double)Unscaled(row) / Math.Pow(10, _scale);

    public override float GetFloat(ulong row) => (float)GetDouble(row);

    public override long GetInt64(ulong row) => decimal.ToInt64(GetDecimal(row));

    public override int GetInt32(ulong row) => decimal.ToInt32(GetDecimal(row));

    public override string GetString(ulong row) => Format(Unscaled(row));

    public override DuckDbDecimal GetDuckDbDecimal(ulong row) => new(Unscaled(row), _scale);

    /// <summary>Exact value when the scale is 0 (for DECIMAL(38,0) beyond decimal's range).</summary>
    public override BigInteger GetBigInteger(ulong row) =>
        _scale == 0 ? (BigInteger)Unscaled(row) : throw CannotRead(typeof(BigInteger));

    private Int128 Unscaled(ulong row) => _storage switch
    {
        DuckDbType.SmallInt => ((short*)Data)[row],
        DuckDbType.Integer => ((int*)Data)[row],
        DuckDbType.BigInt => ((long*)Data)[row],
        _ => ((Int128*)Data)[row],
    };

    private static decimal FromInt64(long value, byte scale)
    {
        var negative = value < 0;
        var magnitude = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, scale);
    }

    private decimal FromInt128(Int128 value)
    {
        var negative = value < 0;
        var magnitude = negative ? (UInt128)(-(value + 1)) + 1 : (UInt128)value;
        int scale = _scale;
        if (scale <= 28 && magnitude <= MaxMantissa)
        {
            return Compose(magnitude, negative, scale);
        }

        // Drop just enough trailing digits to fit the mantissa and scale, rounding once.
        var drop = Math.Max(scale - 28, 0);
        while (drop <= scale && magnitude / PowersOfTen[drop] > MaxMantissa)
        {
            drop++;
        }

        if (drop > scale)
        {
            throw OutOfRange(Format(value), typeof(decimal));
        }

        var divisor = PowersOfTen[drop];
        var quotient = magnitude / divisor;
        if ((magnitude % divisor) * 2 >= divisor)
        {
            quotient++;
        }

        if (quotient > MaxMantissa)
        {
            if (drop == scale)
            {
                throw OutOfRange(Format(value), typeof(decimal));
            }

            quotient = (quotient + 5) / 10;
            drop++;
        }

        return Compose(quotient, negative, scale - drop);
    }

    private static decimal Compose(UInt128 magnitude, bool negative, int scale) =>
        new((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);

    private string Format(Int128 value)
    {
        var magnitude = value < 0 ? (UInt128)(-(value + 1)) + 1 : (UInt128)value;
        var digits = magnitude.ToString(CultureInfo.InvariantCulture);

        if (_scale > 0)
        {
            digits = digits.PadLeft(_scale + 1, '0');
            digits = digits[..^_scale] + "." + digits[^_scale..];
        }

        return value < 0 ? "-" + digits : digits;
    }

    private static UInt128[] BuildPowersOfTen()
    {
        var powers = new UInt128[39];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
