using System.Globalization;
using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>Chooses the reader for a column once, from its logical type (recursively for nested types).</summary>
internal static unsafe class VectorReaderFactory
{
    public static VectorReader Create(IntPtr logicalType, string name)
    {
        var reader = CreateCore(logicalType, name);
        reader.Name = name;
        return reader;
    }

    private static VectorReader CreateCore(IntPtr type, string name)
    {
        var id = NativeMethods.duckdb_get_type_id(type);
        return id switch
        {
            DuckDbType.Boolean => new BooleanVectorReader(),
            DuckDbType.TinyInt => new NumericVectorReader<sbyte>(id, "TINYINT"),
            DuckDbType.SmallInt => new NumericVectorReader<short>(id, "SMALLINT"),
            DuckDbType.Integer => new NumericVectorReader<int>(id, "INTEGER"),
            DuckDbType.BigInt => new NumericVectorReader<long>(id, "BIGINT"),
            DuckDbType.UTinyInt => new NumericVectorReader<byte>(id, "UTINYINT"),
            DuckDbType.USmallInt => new NumericVectorReader<ushort>(id, "USMALLINT"),
            DuckDbType.UInteger => new NumericVectorReader<uint>(id, "UINTEGER"),
            DuckDbType.UBigInt => new NumericVectorReader<ulong>(id, "UBIGINT"),
            DuckDbType.HugeInt => new NumericVectorReader<Int128>(id, "HUGEINT"),
            DuckDbType.UHugeInt => new NumericVectorReader<UInt128>(id, "UHUGEINT"),
            DuckDbType.Float => new NumericVectorReader<float>(id, "FLOAT"),
            DuckDbType.Double => new NumericVectorReader<double>(id, "DOUBLE"),
            DuckDbType.Varchar => new StringVectorReader(id, Alias(type) ?? "VARCHAR"),
            DuckDbType.Blob => new StringVectorReader(id, "BLOB"),
            DuckDbType.Decimal => new DecimalVectorReader(
                NativeMethods.duckdb_decimal_internal_type(type),
                NativeMethods.duckdb_decimal_width(type),
                NativeMethods.duckdb_decimal_scale(type)),
            DuckDbType.Date => new DateVectorReader(),
            DuckDbType.Time or DuckDbType.TimeNs => new TimeVectorReader(id),
            DuckDbType.TimeTz => new TimeTzVectorReader(),
            DuckDbType.Timestamp or DuckDbType.TimestampS or DuckDbType.TimestampMs or DuckDbType.TimestampNs
                or DuckDbType.TimestampTz or DuckDbType.TimestampTzNs => new TimestampVectorReader(id),
            DuckDbType.Interval => new IntervalVectorReader(),
            DuckDbType.Uuid => new UuidVectorReader(),
            DuckDbType.Enum => CreateEnum(type),
            DuckDbType.List => CreateList(type, name),
            DuckDbType.Array => CreateArray(type, name),
            DuckDbType.Struct => CreateStruct(type, name),
            DuckDbType.Map => CreateMap(type, name),
            DuckDbType.Union => CreateUnion(type, name),
            _ => new UnsupportedVectorReader(id, Alias(type) ?? id.ToString().ToUpperInvariant()),
        };
    }

    private static EnumVectorReader CreateEnum(IntPtr type)
    {
        var size = NativeMethods.duckdb_enum_dictionary_size(type);
        var dictionary = new string[size];
        for (var i = 0u; i < size; i++)
        {
            dictionary[i] = TakeString(NativeMethods.duckdb_enum_dictionary_value(type, i));
        }

        var typeName = Alias(type) ?? "ENUM(" + string.Join(", ", dictionary.Select(d => "'" + d.Replace("'", "''", StringComparison.Ordinal) + "'")) + ")";
        return new EnumVectorReader(NativeMethods.duckdb_enum_internal_type(type), dictionary, typeName);
    }

    private static ListVectorReader CreateList(IntPtr type, string name)
    {
        using var childType = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_list_type_child_type(type));
        var child = Create(childType.DangerousGetHandle(), name + "[]");
        return new ListVectorReader(DuckDbType.List, child, 0, child.TypeName + "[]");
    }

    private static ListVectorReader CreateArray(IntPtr type, string name)
    {
        using var childType = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_array_type_child_type(type));
        var size = NativeMethods.duckdb_array_type_array_size(type);
        var child = Create(childType.DangerousGetHandle(), name + "[]");
        return new ListVectorReader(DuckDbType.Array, child, size, child.TypeName + "[" + size.ToString(CultureInfo.InvariantCulture) + "]");
    }

    private static StructVectorReader CreateStruct(IntPtr type, string name)
    {
        var count = (int)NativeMethods.duckdb_struct_type_child_count(type);
        var names = new string[count];
        var children = new VectorReader[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = TakeString(NativeMethods.duckdb_struct_type_child_name(type, (ulong)i));
            using var childType = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_struct_type_child_type(type, (ulong)i));
            children[i] = Create(childType.DangerousGetHandle(), name + "." + names[i]);
        }

        var typeName = "STRUCT(" + string.Join(", ", names.Select((n, i) => Quote(n) + " " + children[i].TypeName)) + ")";
        return new StructVectorReader(names, children, typeName);
    }

    private static MapVectorReader CreateMap(IntPtr type, string name)
    {
        using var keyType = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_map_type_key_type(type));
        using var valueType = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_map_type_value_type(type));
        var keys = Create(keyType.DangerousGetHandle(), name + ".key");
        var values = Create(valueType.DangerousGetHandle(), name + ".value");
        return new MapVectorReader(keys, values, $"MAP({keys.TypeName}, {values.TypeName})");
    }

    private static UnionVectorReader CreateUnion(IntPtr type, string name)
    {
        var count = (int)NativeMethods.duckdb_union_type_member_count(type);
        var names = new string[count];
        var members = new VectorReader[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = TakeString(NativeMethods.duckdb_union_type_member_name(type, (ulong)i));
            using var memberType = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_union_type_member_type(type, (ulong)i));
            members[i] = Create(memberType.DangerousGetHandle(), name + "." + names[i]);
        }

        var typeName = "UNION(" + string.Join(", ", names.Select((n, i) => Quote(n) + " " + members[i].TypeName)) + ")";
        return new UnionVectorReader(names, members, typeName);
    }

    private static string Quote(string identifier) =>
        identifier.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && identifier.Length > 0 && !char.IsAsciiDigit(identifier[0])
            ? identifier
            : "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string? Alias(IntPtr type)
    {
        var alias = NativeMethods.duckdb_logical_type_get_alias(type);
        return alias == IntPtr.Zero ? null : TakeString(alias);
    }

    /// <summary>Copies a C string that the caller owns and frees it.</summary>
    internal static string TakeString(IntPtr text)
    {
        if (text == IntPtr.Zero)
        {
            return "";
        }

        try
        {
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
        finally
        {
            NativeMethods.duckdb_free((void*)text);
        }
    }
}
