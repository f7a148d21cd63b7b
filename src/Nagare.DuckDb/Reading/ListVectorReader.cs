using System.Reflection;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// LIST (offset/length entries into a child vector) and ARRAY (fixed size: row i owns child rows
/// i*size .. i*size+size-1). <see cref="GetValue"/> returns <c>List&lt;T?&gt;</c> of the child's
/// .NET type; <c>GetFieldValue</c> also builds <c>T[]</c>, <c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>,
/// <c>IReadOnlyList&lt;T&gt;</c> and <c>IEnumerable&lt;T&gt;</c>.
/// </summary>
internal sealed unsafe class ListVectorReader : VectorReader
{
    private static readonly MethodInfo BuildListMethod = typeof(ListVectorReader).GetMethod(nameof(BuildList))!;
    private static readonly MethodInfo BuildArrayMethod = typeof(ListVectorReader).GetMethod(nameof(BuildArray))!;

    private readonly ulong _arraySize;
    private readonly Func<ListVectorReader, ulong, object> _buildDefault;

    public ListVectorReader(DuckDbType type, VectorReader child, ulong arraySize, string typeName)
        : base(type, typeName, typeof(List<>).MakeGenericType(ElementOf(child)))
    {
        Child = child;
        _arraySize = arraySize;
        _buildDefault = BuildListMethod.MakeGenericMethod(ElementOf(child))
            .CreateDelegate<Func<ListVectorReader, ulong, object>>();
    }

    /// <summary>
    /// The element type of the default list: the child's own, except for decimals wider than .NET's, whose elements
    /// are boxed exactly (a decimal when it fits, else a <see cref="DuckDbDecimal"/>) rather than rounded.
    /// </summary>
    private static Type ElementOf(VectorReader child) =>
        child is DecimalVectorReader { Width: > 28 } ? typeof(object) : NullableOf(child.ClrType);

    public VectorReader Child { get; }

    public static Type NullableOf(Type type) => type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type;

    public override void SetVector(IntPtr vector)
    {
        base.SetVector(vector);
        Child.SetVector(DuckType == DuckDbType.Array
            ? NativeMethods.duckdb_array_vector_get_child(vector)
            : NativeMethods.duckdb_list_vector_get_child(vector));
    }

    public (ulong Offset, ulong Length) Entry(ulong row)
    {
        if (DuckType == DuckDbType.Array)
        {
            return (row * _arraySize, _arraySize);
        }

        var entry = ((DuckDbListEntry*)Data)[row];
        return (entry.Offset, entry.Length);
    }

    public override object GetValue(ulong row) => _buildDefault(this, row);

    public override T GetFieldValue<T>(ulong row) =>
        CollectionShape<T>.Build is { } build ? build(this, row) : base.GetFieldValue<T>(row);

    public List<TElement> BuildList<TElement>(ulong row)
    {
        var (offset, length) = Entry(row);
        var list = new List<TElement>((int)length);
        for (var i = offset; i < offset + length; i++)
        {
            list.Add(Child.IsValid(i) ? Child.GetFieldValue<TElement>(i) : ValueReading.NullAs<TElement>(Child));
        }

        return list;
    }

    public TElement[] BuildArray<TElement>(ulong row)
    {
        var (offset, length) = Entry(row);
        var array = new TElement[length];
        for (var i = 0UL; i < length; i++)
        {
            var r = offset + i;
            array[i] = Child.IsValid(r) ? Child.GetFieldValue<TElement>(r) : ValueReading.NullAs<TElement>(Child);
        }

        return array;
    }

    /// <summary>How to build a collection of type <typeparamref name="T"/>, found once per type.</summary>
    private static class CollectionShape<T>
    {
        public static readonly Func<ListVectorReader, ulong, T>? Build = Find();

        private static Func<ListVectorReader, ulong, T>? Find()
        {
            var type = typeof(T);
            if (type.IsArray && type.GetArrayRank() == 1)
            {
                return BuildArrayMethod.MakeGenericMethod(type.GetElementType()!).CreateDelegate<Func<ListVectorReader, ulong, T>>();
            }

            if (type.IsGenericType)
            {
                var definition = type.GetGenericTypeDefinition();
                if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>) ||
                    definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>))
                {
                    return BuildListMethod.MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<Func<ListVectorReader, ulong, T>>();
                }
            }

            return null;
        }
    }
}
