using System.Buffers.Binary;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// UUID vectors: a HUGEINT whose top bit is flipped so that signed order matches the UUID's
/// byte order; the remaining 128 bits are the UUID's bytes in big-endian order.
/// </summary>
internal sealed unsafe class UuidVectorReader : VectorReader
{
    public UuidVectorReader()
        : base(DuckDbType.Uuid, "UUID", typeof(Guid))
    {
    }

    public override object GetValue(ulong row) => GetGuid(row);

    public override Guid GetGuid(ulong row)
    {
        var raw = ((DuckDbHugeIntStruct*)Data)[row];
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)raw.Upper ^ (1UL << 63));
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], raw.Lower);
        return new Guid(bytes, bigEndian: true);
    }

    public override string GetString(ulong row) => GetGuid(row).ToString();
}
