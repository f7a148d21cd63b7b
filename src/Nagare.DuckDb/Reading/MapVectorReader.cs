using System.Reflection;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// MAP vectors: a LIST of STRUCT(key, value) → <c>Dictionary&lt;TKey, TValue?&gt;</c> of the key and
/// value .NET types (keys are never NULL). <c>GetFieldValue</c> also builds other
/// <c>Dictionary&lt;K, V&gt;</c>, <c>IDictionary</c> and <c>IReadOnlyDictionary</c> shapes.
/// </summary>
internal sealed unsafe class MapVectorReader : VectorReader
{
    private static readonly MethodInfo BuildMethod = typeof(MapVectorReader).GetMethod(nameof(Build))!;

    private readonly VectorReader _keys;
    private readonly VectorReader _values;
    private readonly Func<MapVectorReader, ulong, object> _buildDefault;

    public MapVectorReader(VectorReader keys, VectorReader values, string typeName)
        : base(DuckDbType.Map, typeName, typeof(Dictionary<,>).MakeGenericType(keys.ClrType, ListVectorReader.NullableOf(values.ClrType)))
    {
        _keys = keys;
        _values = values;
        _buildDefault = BuildMethod.MakeGenericMethod(keys.ClrType, ListVectorReader.NullableOf(values.ClrType))
            .CreateDelegate<Func<MapVectorReader, ulong, object>>();
    }

    public override void SetVector(IntPtr vector)
    {
        base.SetVector(vector);
        var entries = NativeMethods.duckdb_list_vector_get_child(vector);
        _keys.SetVector(NativeMethods.duckdb_struct_vector_get_child(entries, 0));
        _values.SetVector(NativeMethods.duckdb_struct_vector_get_child(entries, 1));
    }

    public override object GetValue(ulong row) => _buildDefault(this, row);

    public override T GetFieldValue<T>(ulong row) =>
        DictionaryShape<T>.Build is { } build ? build(this, row) : base.GetFieldValue<T>(row);

    public Dictionary<TKey, TValue> Build<TKey, TValue>(ulong row)
        where TKey : notnull
    {
        var entry = ((DuckDbListEntry*)Data)[row];
        var map = new Dictionary<TKey, TValue>((int)entry.Length);
        for (var i = entry.Offset; i < entry.Offset + entry.Length; i++)
        {
            var key = _keys.GetFieldValue<TKey>(i);
            map[key] = _values.IsValid(i) ? _values.GetFieldValue<TValue>(i) : ValueReading.NullAs<TValue>(_values);
        }

        return map;
    }

    private static class DictionaryShape<T>
    {
        public static readonly Func<MapVectorReader, ulong, T>? Build = Find();

        private static Func<MapVectorReader, ulong, T>? Find()
        {
            var type = typeof(T);
            if (!type.IsGenericType)
            {
                return null;
            }

            var definition = type.GetGenericTypeDefinition();
            if (definition != typeof(Dictionary<,>) && definition != typeof(IDictionary<,>) && definition != typeof(IReadOnlyDictionary<,>))
            {
                return null;
            }

            return BuildMethod.MakeGenericMethod(type.GetGenericArguments()).CreateDelegate<Func<MapVectorReader, ulong, T>>();
        }
    }
}
