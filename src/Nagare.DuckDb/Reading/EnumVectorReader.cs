using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// ENUM vectors: an index (UTINYINT/USMALLINT/UINTEGER) into the type's dictionary, whose
/// strings are decoded once per result so reads allocate nothing.
/// </summary>
internal sealed unsafe class EnumVectorReader : VectorReader
{
    private readonly DuckDbType _storage;
    private readonly string[] _dictionary;

    public EnumVectorReader(DuckDbType storage, string[] dictionary, string typeName)
        : base(DuckDbType.Enum, typeName, typeof(string))
    {
        _storage = storage;
        _dictionary = dictionary;
    }

    private uint Index(ulong row) => _storage switch
    {
        DuckDbType.UTinyInt => Data[row],
        DuckDbType.USmallInt => ((ushort*)Data)[row],
        _ => ((uint*)Data)[row],
    };

    public override object GetValue(ulong row) => _dictionary[Index(row)];

    public override string GetString(ulong row) => _dictionary[Index(row)];
}
