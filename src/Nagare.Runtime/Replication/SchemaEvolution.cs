using Nagare.Core.Types;

namespace Nagare.Runtime.Replication;

/// <summary>Type widening rules: the narrowest type that holds every value of two types, when there is one.</summary>
public static class SchemaEvolution
{
    /// <summary>The common type of <paramref name="a"/> and <paramref name="b"/>, or null when none holds both without loss.</summary>
    public static ColumnType? Widen(ColumnType a, ColumnType b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Equals(b))
        {
            return a;
        }

        if (a.IsInteger && b.IsInteger)
        {
            return WidenIntegers(a, b);
        }

        if (IsFloat(a) && IsFloat(b))
        {
            return ColumnType.Float64;
        }

        if ((IsFloat(a) && b.IsInteger) || (a.IsInteger && IsFloat(b)))
        {
            return ColumnType.Float64;
        }

        if (a.Kind == ColumnKind.Decimal || b.Kind == ColumnKind.Decimal)
        {
            var (p1, s1) = DecimalShape(a);
            var (p2, s2) = DecimalShape(b);
            if (p1 < 0 || p2 < 0)
            {
                return null;
            }

            var scale = Math.Max(s1, s2);
            var integerDigits = Math.Max(p1 - s1, p2 - s2);
            return integerDigits + scale > ColumnType.MaxDecimalPrecision ? null : ColumnType.Decimal(integerDigits + scale, scale);
        }

        if ((a.Kind, b.Kind) is (ColumnKind.Date, ColumnKind.Timestamp) or (ColumnKind.Timestamp, ColumnKind.Date))
        {
            return ColumnType.Timestamp;
        }

        if ((a.Kind, b.Kind) is (ColumnKind.String, ColumnKind.Json) or (ColumnKind.Json, ColumnKind.String))
        {
            return ColumnType.String;
        }

        if (a.Kind == ColumnKind.List && b.Kind == ColumnKind.List)
        {
            return Widen(a.Element!, b.Element!) is { } element ? ColumnType.List(element) : null;
        }

        return null;
    }

    private static bool IsFloat(ColumnType t) => t.Kind is ColumnKind.Float32 or ColumnKind.Float64;

    private static (int Precision, int Scale) DecimalShape(ColumnType t) => t.Kind switch
    {
        ColumnKind.Decimal => (t.Precision, t.Scale),
        ColumnKind.Int8 or ColumnKind.UInt8 => (3, 0),
        ColumnKind.Int16 or ColumnKind.UInt16 => (5, 0),
        ColumnKind.Int32 or ColumnKind.UInt32 => (10, 0),
        ColumnKind.Int64 => (19, 0),
        ColumnKind.UInt64 => (20, 0),
        _ => (-1, -1),
    };

    private static ColumnType WidenIntegers(ColumnType a, ColumnType b)
    {
        var signed = IsSigned(a) || IsSigned(b);
        var bits = Math.Max(Bits(a, signed), Bits(b, signed));
        return (signed, bits) switch
        {
            (true, <= 8) => ColumnType.Int8,
            (true, <= 16) => ColumnType.Int16,
            (true, <= 32) => ColumnType.Int32,
            (true, <= 64) => ColumnType.Int64,
            (true, _) => ColumnType.Decimal(20, 0),
            (false, <= 8) => ColumnType.UInt8,
            (false, <= 16) => ColumnType.UInt16,
            (false, <= 32) => ColumnType.UInt32,
            _ => ColumnType.UInt64,
        };
    }

    private static bool IsSigned(ColumnType t) => t.Kind is ColumnKind.Int8 or ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64;

    // An unsigned type mixed with signed ones needs one more bit.
    private static int Bits(ColumnType t, bool asSigned)
    {
        var bits = t.Kind switch
        {
            ColumnKind.Int8 or ColumnKind.UInt8 => 8,
            ColumnKind.Int16 or ColumnKind.UInt16 => 16,
            ColumnKind.Int32 or ColumnKind.UInt32 => 32,
            _ => 64,
        };
        return asSigned && !IsSigned(t) ? bits * 2 : bits;
    }
}
