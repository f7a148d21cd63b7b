using System.Globalization;
using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb;

/// <summary>
/// An immutable description of a DuckDB logical type: the type id plus, where the type needs them,
/// decimal width/scale, the element type of a LIST/ARRAY, the key/value types of a MAP, the fields of a
/// STRUCT and the members of an ENUM. Instances compare by structure and can create the native type.
/// </summary>
public sealed class DuckDbColumnType : IEquatable<DuckDbColumnType>
{
    private static readonly Dictionary<DuckDbType, DuckDbColumnType> Primitives = [];

    private DuckDbColumnType(DuckDbType type)
    {
        Type = type;
    }

    public static DuckDbColumnType Boolean { get; } = Primitive(DuckDbType.Boolean);

    public static DuckDbColumnType TinyInt { get; } = Primitive(DuckDbType.TinyInt);

    public static DuckDbColumnType SmallInt { get; } = Primitive(DuckDbType.SmallInt);

    public static DuckDbColumnType Integer { get; } = Primitive(DuckDbType.Integer);

    public static DuckDbColumnType BigInt { get; } = Primitive(DuckDbType.BigInt);

    public static DuckDbColumnType HugeInt { get; } = Primitive(DuckDbType.HugeInt);

    public static DuckDbColumnType UTinyInt { get; } = Primitive(DuckDbType.UTinyInt);

    public static DuckDbColumnType USmallInt { get; } = Primitive(DuckDbType.USmallInt);

    public static DuckDbColumnType UInteger { get; } = Primitive(DuckDbType.UInteger);

    public static DuckDbColumnType UBigInt { get; } = Primitive(DuckDbType.UBigInt);

    public static DuckDbColumnType UHugeInt { get; } = Primitive(DuckDbType.UHugeInt);

    public static DuckDbColumnType Float { get; } = Primitive(DuckDbType.Float);

    public static DuckDbColumnType Double { get; } = Primitive(DuckDbType.Double);

    public static DuckDbColumnType Varchar { get; } = Primitive(DuckDbType.Varchar);

    public static DuckDbColumnType Blob { get; } = Primitive(DuckDbType.Blob);

    public static DuckDbColumnType Date { get; } = Primitive(DuckDbType.Date);

    public static DuckDbColumnType Time { get; } = Primitive(DuckDbType.Time);

    public static DuckDbColumnType TimeNs { get; } = Primitive(DuckDbType.TimeNs);

    public static DuckDbColumnType TimeTz { get; } = Primitive(DuckDbType.TimeTz);

    /// <summary>TIMESTAMP: microseconds, no time zone.</summary>
    public static DuckDbColumnType Timestamp { get; } = Primitive(DuckDbType.Timestamp);

    public static DuckDbColumnType TimestampS { get; } = Primitive(DuckDbType.TimestampS);

    public static DuckDbColumnType TimestampMs { get; } = Primitive(DuckDbType.TimestampMs);

    public static DuckDbColumnType TimestampNs { get; } = Primitive(DuckDbType.TimestampNs);

    /// <summary>TIMESTAMP WITH TIME ZONE: a UTC instant in microseconds.</summary>
    public static DuckDbColumnType TimestampTz { get; } = Primitive(DuckDbType.TimestampTz);

    public static DuckDbColumnType Interval { get; } = Primitive(DuckDbType.Interval);

    public static DuckDbColumnType Uuid { get; } = Primitive(DuckDbType.Uuid);

    /// <summary>The type id.</summary>
    public DuckDbType Type { get; }

    /// <summary>Total digits of a DECIMAL (1–38); 0 for other types.</summary>
    public byte DecimalWidth { get; private init; }

    /// <summary>Digits after the point of a DECIMAL; 0 for other types.</summary>
    public byte DecimalScale { get; private init; }

    /// <summary>Element type of a LIST or ARRAY; null otherwise.</summary>
    public DuckDbColumnType? ElementType { get; private init; }

    /// <summary>Fixed length of an ARRAY; 0 otherwise.</summary>
    public int ArraySize { get; private init; }

    /// <summary>Key type of a MAP; null otherwise.</summary>
    public DuckDbColumnType? KeyType { get; private init; }

    /// <summary>Value type of a MAP; null otherwise.</summary>
    public DuckDbColumnType? ValueType { get; private init; }

    /// <summary>Fields of a STRUCT in declaration order; empty otherwise.</summary>
    public IReadOnlyList<KeyValuePair<string, DuckDbColumnType>> Fields { get; private init; } = [];

    /// <summary>Members of an ENUM in declaration order; empty otherwise.</summary>
    public IReadOnlyList<string> EnumMembers { get; private init; } = [];

    /// <summary>
    /// The type in which values are physically stored: the integer type of a DECIMAL or ENUM,
    /// otherwise <see cref="Type"/>.
    /// </summary>
    public DuckDbType StorageType => Type switch
    {
        DuckDbType.Decimal => DecimalWidth switch
        {
            <= 4 => DuckDbType.SmallInt,
            <= 9 => DuckDbType.Integer,
            <= 18 => DuckDbType.BigInt,
            _ => DuckDbType.HugeInt,
        },
        DuckDbType.Enum => EnumMembers.Count switch
        {
            <= byte.MaxValue + 1 => DuckDbType.UTinyInt,
            <= ushort.MaxValue + 1 => DuckDbType.USmallInt,
            _ => DuckDbType.UInteger,
        },
        _ => Type,
    };

    /// <summary>The type for a type id that needs no further parameters (e.g. BIGINT, VARCHAR).</summary>
    /// <exception cref="ArgumentException">The type id needs parameters (DECIMAL, LIST, STRUCT, …).</exception>
    public static DuckDbColumnType Of(DuckDbType type)
    {
        if (Primitives.TryGetValue(type, out var primitive))
        {
            return primitive;
        }

        if (type is DuckDbType.Decimal)
        {
            return Decimal(18, 3);
        }

        throw new ArgumentException($"DuckDB type {type} needs parameters; use the factory method for it.", nameof(type));
    }

    /// <summary>DECIMAL(<paramref name="width"/>, <paramref name="scale"/>); width 1–38, scale 0–width.</summary>
    public static DuckDbColumnType Decimal(int width, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 38);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, width);
        return new DuckDbColumnType(DuckDbType.Decimal) { DecimalWidth = (byte)width, DecimalScale = (byte)scale };
    }

    /// <summary>A variable-length LIST of <paramref name="elementType"/>.</summary>
    public static DuckDbColumnType List(DuckDbColumnType elementType)
    {
        ArgumentNullException.ThrowIfNull(elementType);
        return new DuckDbColumnType(DuckDbType.List) { ElementType = elementType };
    }

    /// <summary>A fixed-length ARRAY of <paramref name="size"/> elements.</summary>
    public static DuckDbColumnType Array(DuckDbColumnType elementType, int size)
    {
        ArgumentNullException.ThrowIfNull(elementType);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        return new DuckDbColumnType(DuckDbType.Array) { ElementType = elementType, ArraySize = size };
    }

    /// <summary>A MAP from <paramref name="keyType"/> to <paramref name="valueType"/>.</summary>
    public static DuckDbColumnType Map(DuckDbColumnType keyType, DuckDbColumnType valueType)
    {
        ArgumentNullException.ThrowIfNull(keyType);
        ArgumentNullException.ThrowIfNull(valueType);
        return new DuckDbColumnType(DuckDbType.Map) { KeyType = keyType, ValueType = valueType };
    }

    /// <summary>A STRUCT with the given fields (at least one, names unique).</summary>
    public static DuckDbColumnType Struct(params IEnumerable<KeyValuePair<string, DuckDbColumnType>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var list = fields.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A STRUCT needs at least one field.", nameof(fields));
        }

        if (list.Select(f => f.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != list.Length)
        {
            throw new ArgumentException("STRUCT field names must be unique.", nameof(fields));
        }

        return new DuckDbColumnType(DuckDbType.Struct) { Fields = list };
    }

    /// <summary>An ENUM with the given members (at least one, unique).</summary>
    public static DuckDbColumnType Enum(params IEnumerable<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var list = members.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("An ENUM needs at least one member.", nameof(members));
        }

        if (list.Distinct(StringComparer.Ordinal).Count() != list.Length)
        {
            throw new ArgumentException("ENUM members must be unique.", nameof(members));
        }

        return new DuckDbColumnType(DuckDbType.Enum) { EnumMembers = list };
    }

    /// <summary>Describes a native logical type (which stays owned by the caller).</summary>
    internal static unsafe DuckDbColumnType FromNative(IntPtr logicalType)
    {
        var id = NativeMethods.duckdb_get_type_id(logicalType);
        switch (id)
        {
            case DuckDbType.Decimal:
                return Decimal(NativeMethods.duckdb_decimal_width(logicalType), NativeMethods.duckdb_decimal_scale(logicalType));
            case DuckDbType.List:
            {
                var child = NativeMethods.duckdb_list_type_child_type(logicalType);
                try
                {
                    return List(FromNative(child));
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref child);
                }
            }

            case DuckDbType.Array:
            {
                var child = NativeMethods.duckdb_array_type_child_type(logicalType);
                try
                {
                    return Array(FromNative(child), checked((int)NativeMethods.duckdb_array_type_array_size(logicalType)));
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref child);
                }
            }

            case DuckDbType.Map:
            {
                var key = NativeMethods.duckdb_map_type_key_type(logicalType);
                var value = NativeMethods.duckdb_map_type_value_type(logicalType);
                try
                {
                    return Map(FromNative(key), FromNative(value));
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref key);
                    NativeMethods.duckdb_destroy_logical_type(ref value);
                }
            }

            case DuckDbType.Struct:
            {
                var count = (int)NativeMethods.duckdb_struct_type_child_count(logicalType);
                var fields = new KeyValuePair<string, DuckDbColumnType>[count];
                for (var i = 0; i < count; i++)
                {
                    var name = TakeNativeString(NativeMethods.duckdb_struct_type_child_name(logicalType, (ulong)i));
                    var child = NativeMethods.duckdb_struct_type_child_type(logicalType, (ulong)i);
                    try
                    {
                        fields[i] = new(name, FromNative(child));
                    }
                    finally
                    {
                        NativeMethods.duckdb_destroy_logical_type(ref child);
                    }
                }

                return new DuckDbColumnType(DuckDbType.Struct) { Fields = fields };
            }

            case DuckDbType.Enum:
            {
                var count = (int)NativeMethods.duckdb_enum_dictionary_size(logicalType);
                var members = new string[count];
                for (var i = 0; i < count; i++)
                {
                    members[i] = TakeNativeString(NativeMethods.duckdb_enum_dictionary_value(logicalType, (ulong)i));
                }

                return new DuckDbColumnType(DuckDbType.Enum) { EnumMembers = members };
            }

            default:
                return Primitives.TryGetValue(id, out var primitive) ? primitive : new DuckDbColumnType(id);
        }
    }

    /// <summary>Creates the native logical type; the caller destroys it.</summary>
    internal unsafe IntPtr CreateNative()
    {
        switch (Type)
        {
            case DuckDbType.Decimal:
                return NativeMethods.duckdb_create_decimal_type(DecimalWidth, DecimalScale);
            case DuckDbType.List:
            {
                var child = ElementType!.CreateNative();
                try
                {
                    return NativeMethods.duckdb_create_list_type(child);
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref child);
                }
            }

            case DuckDbType.Array:
            {
                var child = ElementType!.CreateNative();
                try
                {
                    return NativeMethods.duckdb_create_array_type(child, (ulong)ArraySize);
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref child);
                }
            }

            case DuckDbType.Map:
            {
                var key = KeyType!.CreateNative();
                var value = ValueType!.CreateNative();
                try
                {
                    return NativeMethods.duckdb_create_map_type(key, value);
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref key);
                    NativeMethods.duckdb_destroy_logical_type(ref value);
                }
            }

            case DuckDbType.Struct:
            {
                var count = Fields.Count;
                var types = new IntPtr[count];
                var names = new IntPtr[count];
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        names[i] = Marshal.StringToCoTaskMemUTF8(Fields[i].Key);
                        types[i] = Fields[i].Value.CreateNative();
                    }

                    fixed (IntPtr* typesPointer = types)
                    fixed (IntPtr* namesPointer = names)
                    {
                        return NativeMethods.duckdb_create_struct_type(typesPointer, (byte**)namesPointer, (ulong)count);
                    }
                }
                finally
                {
                    for (var i = 0; i < count; i++)
                    {
                        Marshal.FreeCoTaskMem(names[i]);
                        if (types[i] != IntPtr.Zero)
                        {
                            NativeMethods.duckdb_destroy_logical_type(ref types[i]);
                        }
                    }
                }
            }

            case DuckDbType.Enum:
            {
                var count = EnumMembers.Count;
                var names = new IntPtr[count];
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        names[i] = Marshal.StringToCoTaskMemUTF8(EnumMembers[i]);
                    }

                    fixed (IntPtr* namesPointer = names)
                    {
                        return NativeMethods.duckdb_create_enum_type((byte**)namesPointer, (ulong)count);
                    }
                }
                finally
                {
                    foreach (var name in names)
                    {
                        Marshal.FreeCoTaskMem(name);
                    }
                }
            }

            default:
                return NativeMethods.duckdb_create_logical_type(Type);
        }
    }

    /// <summary>The SQL spelling, e.g. <c>DECIMAL(18,3)</c>, <c>VARCHAR[]</c>, <c>STRUCT("a" INTEGER)</c>.</summary>
    public override string ToString()
    {
        return Type switch
        {
            DuckDbType.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({DecimalWidth},{DecimalScale})"),
            DuckDbType.List => ElementType + "[]",
            DuckDbType.Array => string.Create(CultureInfo.InvariantCulture, $"{ElementType}[{ArraySize}]"),
            DuckDbType.Map => $"MAP({KeyType}, {ValueType})",
            DuckDbType.Struct => "STRUCT(" + string.Join(", ", Fields.Select(f => $"{Quote(f.Key)} {f.Value}")) + ")",
            DuckDbType.Enum => "ENUM(" + string.Join(", ", EnumMembers.Select(m => "'" + m.Replace("'", "''", StringComparison.Ordinal) + "'")) + ")",
            _ => SqlName(Type),
        };
    }

    public bool Equals(DuckDbColumnType? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return other is not null
            && Type == other.Type
            && DecimalWidth == other.DecimalWidth
            && DecimalScale == other.DecimalScale
            && ArraySize == other.ArraySize
            && Equals(ElementType, other.ElementType)
            && Equals(KeyType, other.KeyType)
            && Equals(ValueType, other.ValueType)
            && Fields.SequenceEqual(other.Fields)
            && EnumMembers.SequenceEqual(other.EnumMembers, StringComparer.Ordinal);
    }

    public override bool Equals(object? obj) => Equals(obj as DuckDbColumnType);

    public override int GetHashCode() => HashCode.Combine(Type, DecimalWidth, DecimalScale, ArraySize, ElementType, KeyType, ValueType, Fields.Count);

    private static DuckDbColumnType Primitive(DuckDbType type)
    {
        var instance = new DuckDbColumnType(type);
        Primitives[type] = instance;
        return instance;
    }

    private static string TakeNativeString(IntPtr text)
    {
        try
        {
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
        finally
        {
            unsafe
            {
                NativeMethods.duckdb_free((void*)text);
            }
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string SqlName(DuckDbType type) => type switch
    {
        DuckDbType.Boolean => "BOOLEAN",
        DuckDbType.TinyInt => "TINYINT",
        DuckDbType.SmallInt => "SMALLINT",
        DuckDbType.Integer => "INTEGER",
        DuckDbType.BigInt => "BIGINT",
        DuckDbType.HugeInt => "HUGEINT",
        DuckDbType.UTinyInt => "UTINYINT",
        DuckDbType.USmallInt => "USMALLINT",
        DuckDbType.UInteger => "UINTEGER",
        DuckDbType.UBigInt => "UBIGINT",
        DuckDbType.UHugeInt => "UHUGEINT",
        DuckDbType.Float => "FLOAT",
        DuckDbType.Double => "DOUBLE",
        DuckDbType.Varchar => "VARCHAR",
        DuckDbType.Blob => "BLOB",
        DuckDbType.Date => "DATE",
        DuckDbType.Time => "TIME",
        DuckDbType.TimeNs => "TIME_NS",
        DuckDbType.TimeTz => "TIME WITH TIME ZONE",
        DuckDbType.Timestamp => "TIMESTAMP",
        DuckDbType.TimestampS => "TIMESTAMP_S",
        DuckDbType.TimestampMs => "TIMESTAMP_MS",
        DuckDbType.TimestampNs => "TIMESTAMP_NS",
        DuckDbType.TimestampTz => "TIMESTAMP WITH TIME ZONE",
        DuckDbType.Interval => "INTERVAL",
        DuckDbType.Uuid => "UUID",
        DuckDbType.Bit => "BIT",
        DuckDbType.BigNum => "BIGNUM",
        DuckDbType.SqlNull => "NULL",
        _ => type.ToString().ToUpperInvariant(),
    };
}
