using System.Runtime.CompilerServices;
using System.Text;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// VARCHAR (and its aliases such as JSON) and BLOB vectors of <c>duckdb_string_t</c>: strings of
/// at most 12 bytes are stored inline, longer ones behind a pointer. Text is UTF-8.
/// </summary>
internal sealed unsafe class StringVectorReader : VectorReader
{
    private readonly bool _isBlob;

    public StringVectorReader(DuckDbType type, string typeName)
        : base(type, typeName, type == DuckDbType.Blob ? typeof(byte[]) : typeof(string))
    {
        _isBlob = type == DuckDbType.Blob;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Bytes(byte* data, ulong row)
    {
        var entry = (DuckDbStringT*)(data + (row * 16));
        var length = (int)entry->Length;
        return length <= DuckDbStringT.InlineLength
            ? new ReadOnlySpan<byte>(entry->Inlined, length)
            : new ReadOnlySpan<byte>(entry->Pointer, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string Utf8(byte* data, ulong row)
    {
        var entry = (DuckDbStringT*)(data + (row * 16));
        var length = (int)entry->Length;
        return length <= DuckDbStringT.InlineLength
            ? Encoding.UTF8.GetString(entry->Inlined, length)
            : Encoding.UTF8.GetString(entry->Pointer, length);
    }

    public override object GetValue(ulong row) => _isBlob ? Bytes(Data, row).ToArray() : Utf8(Data, row);

    public override string GetString(ulong row) => _isBlob ? throw CannotRead(typeof(string)) : Utf8(Data, row);

    public override byte[] GetBlob(ulong row) => Bytes(Data, row).ToArray();

    public override ReadOnlySpan<byte> GetRawBytes(ulong row) => Bytes(Data, row);

    public override Guid GetGuid(ulong row) =>
        _isBlob ? throw CannotRead(typeof(Guid)) : Guid.Parse(Utf8(Data, row));
}
