using System.Buffers;

namespace Nagare.Connectors.Files;

/// <summary>Rows encoded as bytes, handed from the writer's caller to the part writers.</summary>
internal sealed class EncodedBlock
{
    public ArrayBufferWriter<byte> Bytes { get; } = new(1 << 20);

    /// <summary>End offset of each row in <see cref="Bytes"/>.</summary>
    public List<int> RowEnds { get; } = new(8192);

    /// <summary>1-based number of the first row, across the whole write.</summary>
    public long FirstRow { get; set; }

    public void Clear()
    {
        Bytes.ResetWrittenCount();
        RowEnds.Clear();
    }
}
