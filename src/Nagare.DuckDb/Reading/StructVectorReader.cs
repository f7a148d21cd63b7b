using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>STRUCT vectors: one child vector per field → <c>Dictionary&lt;string, object?&gt;</c> in field order.</summary>
internal sealed class StructVectorReader : VectorReader
{
    private readonly string[] _names;
    private readonly VectorReader[] _children;

    public StructVectorReader(string[] names, VectorReader[] children, string typeName)
        : base(DuckDbType.Struct, typeName, typeof(Dictionary<string, object?>))
    {
        _names = names;
        _children = children;
    }

    public override void SetVector(IntPtr vector)
    {
        base.SetVector(vector);
        for (var i = 0; i < _children.Length; i++)
        {
            _children[i].SetVector(NativeMethods.duckdb_struct_vector_get_child(vector, (ulong)i));
        }
    }

    public override object GetValue(ulong row)
    {
        var fields = new Dictionary<string, object?>(_children.Length, StringComparer.Ordinal);
        for (var i = 0; i < _children.Length; i++)
        {
            var child = _children[i];
            fields[_names[i]] = child.IsValid(row) ? child.GetValue(row) : null;
        }

        return fields;
    }
}
