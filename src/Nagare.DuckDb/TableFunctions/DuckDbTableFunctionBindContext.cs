using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.TableFunctions;

/// <summary>What a table function's bind step sees: the call's arguments; where it declares its result columns.</summary>
public sealed class DuckDbTableFunctionBindContext
{
    private readonly IntPtr _info;
    private readonly List<KeyValuePair<string, DuckDbColumnType>> _columns = [];
    private readonly Dictionary<int, string> _aliases = [];

    internal DuckDbTableFunctionBindContext(IntPtr info, DuckDbTableFunction function)
    {
        _info = info;
        Function = function;
        ParameterCount = (int)NativeMethods.duckdb_bind_get_parameter_count(info);
    }

    /// <summary>The function being bound.</summary>
    public DuckDbTableFunction Function { get; }

    /// <summary>Number of positional arguments.</summary>
    public int ParameterCount { get; }

    /// <summary>Result columns declared so far.</summary>
    public IReadOnlyList<KeyValuePair<string, DuckDbColumnType>> Columns => _columns;

    /// <summary>The alias declared for result column <paramref name="index"/>, if any.</summary>
    internal string? AliasOf(int index) => _aliases.GetValueOrDefault(index);

    /// <summary>
    /// Positional argument <paramref name="index"/> as <typeparamref name="T"/>: <see cref="string"/> (any
    /// argument, as text), <see cref="bool"/>, integers, <see cref="double"/>, <see cref="float"/>,
    /// <see cref="decimal"/>, or <see cref="object"/>. A NULL argument reads as default for nullable and reference
    /// types and throws otherwise.
    /// </summary>
    public T? GetParameter<T>(int index)
    {
        if ((uint)index >= (uint)ParameterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{Function.Name} was called with {ParameterCount} arguments; there is no argument {index}.");
        }

        var value = NativeMethods.duckdb_bind_get_parameter(_info, (ulong)index);
        try
        {
            return Convert<T>(value, $"argument {index}");
        }
        finally
        {
            NativeMethods.duckdb_destroy_value(ref value);
        }
    }

    /// <summary>Reads named argument <paramref name="name"/>; false when the call did not give it.</summary>
    public bool TryGetNamedParameter<T>(string name, out T? value)
    {
        var native = NativeMethods.duckdb_bind_get_named_parameter(_info, name);
        if (native == IntPtr.Zero)
        {
            value = default;
            return false;
        }

        try
        {
            value = Convert<T>(native, $"argument {name}");
            return true;
        }
        finally
        {
            NativeMethods.duckdb_destroy_value(ref native);
        }
    }

    /// <summary>Named argument <paramref name="name"/>, or <paramref name="fallback"/> when the call did not give it.</summary>
    public T? GetNamedParameter<T>(string name, T? fallback = default) =>
        TryGetNamedParameter<T>(name, out var value) ? value : fallback;

    /// <summary>Declares the next result column.</summary>
    public void AddColumn(string name, DuckDbColumnType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(type);
        _columns.Add(new(name, type));
    }

    /// <summary>
    /// Declares the next result column as <paramref name="type"/> named by DuckDB's type alias <paramref name="alias"/>:
    /// <c>JSON</c> over <see cref="DuckDbColumnType.Varchar"/> is filled as text but is JSON to the query and to the files
    /// it writes (a JSON column of Parquet), without a cast that would parse every value.
    /// </summary>
    public void AddColumn(string name, DuckDbColumnType type, string alias)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        AddColumn(name, type);
        _aliases[_columns.Count - 1] = alias;
    }

    /// <summary>Tells the optimizer how many rows to expect.</summary>
    public void SetCardinality(long rows, bool isExact = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        NativeMethods.duckdb_bind_set_cardinality(_info, (ulong)rows, isExact);
    }

    private static unsafe string TakeString(IntPtr text)
    {
        try
        {
            return Marshal.PtrToStringUTF8(text) ?? "";
        }
        finally
        {
            NativeMethods.duckdb_free((void*)text);
        }
    }

    private T? Convert<T>(IntPtr value, string what)
    {
        if (NativeMethods.duckdb_is_null_value(value))
        {
            if (default(T) is null)
            {
                return default;
            }

            throw new DuckDbException($"{Function.Name}: {what} is NULL, but a {typeof(T).Name} is required.");
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        var type = NativeMethods.duckdb_get_type_id(NativeMethods.duckdb_get_value_type(value));
        try
        {
            object result = target switch
            {
                _ when target == typeof(string) => Text(value, type),
                _ when target == typeof(bool) => NativeMethods.duckdb_get_bool(value),
                _ when target == typeof(double) => NativeMethods.duckdb_get_double(value),
                _ when target == typeof(float) => (float)NativeMethods.duckdb_get_double(value),
                _ when target == typeof(decimal) => decimal.Parse(Text(value, type), NumberStyles.Float, CultureInfo.InvariantCulture),
                _ when target == typeof(DuckDbDecimal) => DuckDbDecimal.Parse(Text(value, type)),
                _ when target == typeof(ulong) => NativeMethods.duckdb_get_uint64(value),
                _ when target == typeof(object) => Natural(value, type),
                _ when target == typeof(long) || target == typeof(int) || target == typeof(short) || target == typeof(sbyte)
                    || target == typeof(byte) || target == typeof(ushort) || target == typeof(uint) =>
                    System.Convert.ChangeType(Integer(value, type, what), target, CultureInfo.InvariantCulture),
                _ => throw new DuckDbException($"{Function.Name}: cannot read {what} as {typeof(T).Name}."),
            };
            return (T)result;
        }
        catch (OverflowException)
        {
            throw new DuckDbException($"{Function.Name}: {what} ({Text(value, type)}) does not fit {typeof(T).Name}.");
        }
    }

    private static string Text(IntPtr value, DuckDbType type) =>
        TakeString(type == DuckDbType.Varchar ? NativeMethods.duckdb_get_varchar(value) : NativeMethods.duckdb_value_to_string(value));

    private long Integer(IntPtr value, DuckDbType type, string what)
    {
        if (type is DuckDbType.BigInt or DuckDbType.Integer or DuckDbType.SmallInt or DuckDbType.TinyInt
            or DuckDbType.UTinyInt or DuckDbType.USmallInt or DuckDbType.UInteger or DuckDbType.IntegerLiteral)
        {
            return NativeMethods.duckdb_get_int64(value);
        }

        if (long.TryParse(Text(value, type), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw new DuckDbException($"{Function.Name}: {what} ({Text(value, type)}) is not an integer.");
    }

    [SuppressMessage("Style", "IDE0072:Add missing cases", Justification = "Other types read as text.")]
    private static object Natural(IntPtr value, DuckDbType type) => type switch
    {
        DuckDbType.Boolean => NativeMethods.duckdb_get_bool(value),
        DuckDbType.TinyInt or DuckDbType.SmallInt or DuckDbType.Integer or DuckDbType.BigInt
            or DuckDbType.UTinyInt or DuckDbType.USmallInt or DuckDbType.UInteger or DuckDbType.IntegerLiteral => NativeMethods.duckdb_get_int64(value),
        DuckDbType.UBigInt => NativeMethods.duckdb_get_uint64(value),
        DuckDbType.Float or DuckDbType.Double => NativeMethods.duckdb_get_double(value),
        _ => Text(value, type),
    };
}
