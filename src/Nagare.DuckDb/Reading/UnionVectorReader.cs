using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// UNION vectors: a STRUCT whose first child is the UTINYINT tag and the others the members.
/// <see cref="GetValue"/> returns the active member's value; <c>GetFieldValue&lt;DuckDbUnionValue&gt;</c>
/// also gives the tag and member name.
/// </summary>
internal sealed unsafe class UnionVectorReader : VectorReader
{
    private readonly string[] _names;
    private readonly VectorReader[] _members;
    private byte* _tags;

    public UnionVectorReader(string[] names, VectorReader[] members, string typeName)
        : base(DuckDbType.Union, typeName, typeof(object))
    {
        _names = names;
        _members = members;
    }

    public override void SetVector(IntPtr vector)
    {
        base.SetVector(vector);
        _tags = (byte*)NativeMethods.duckdb_vector_get_data(NativeMethods.duckdb_struct_vector_get_child(vector, 0));
        for (var i = 0; i < _members.Length; i++)
        {
            _members[i].SetVector(NativeMethods.duckdb_struct_vector_get_child(vector, (ulong)i + 1));
        }
    }

    public DuckDbUnionValue Read(ulong row)
    {
        var tag = _tags[row];
        var member = _members[tag];
        return new DuckDbUnionValue(tag, _names[tag], member.IsValid(row) ? member.GetValue(row) : null);
    }

    public override object GetValue(ulong row) => Read(row).Value ?? DBNull.Value;

    public override T GetFieldValue<T>(ulong row)
    {
        if (typeof(T) == typeof(DuckDbUnionValue) || typeof(T) == typeof(DuckDbUnionValue?))
        {
            return (T)(object)Read(row);
        }

        var member = _members[_tags[row]];
        return member.IsValid(row) ? member.GetFieldValue<T>(row) : ValueReading.NullAs<T>(member);
    }
}
