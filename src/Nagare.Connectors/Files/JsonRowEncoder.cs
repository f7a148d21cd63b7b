using System.Buffers;
using System.Text.Json;
using Nagare.Core.Batches;
using Nagare.Core.Json;
using Nagare.Core.Text;

namespace Nagare.Connectors.Files;

/// <summary>
/// JSON rows: one object per row, keys in column order, NULLs as <c>null</c>; NDJSON puts one per line, JSON wraps
/// them in an array (one element per line).
/// </summary>
internal sealed class JsonRowEncoder(bool array) : RowEncoder
{
    private static readonly byte[] OpenArray = "["u8.ToArray();
    private static readonly byte[] FirstInArray = "\n"u8.ToArray();
    private static readonly byte[] NextInArray = ",\n"u8.ToArray();
    private static readonly byte[] CloseArray = "\n]\n"u8.ToArray();
    private static readonly JsonWriterOptions Options = JsonFormat.Writer;

    private Utf8JsonWriter? _writer;

    public override byte[] Prologue => array ? OpenArray : [];

    public override byte[] FirstSeparator => array ? FirstInArray : [];

    public override byte[] Separator => array ? NextInArray : [];

    public override byte[] Epilogue => array ? CloseArray : [];

    public override void Encode(ColumnBatch batch, int row, ArrayBufferWriter<byte> output)
    {
        var writer = _writer ??= new Utf8JsonWriter(output, Options);
        writer.Reset(output);
        writer.WriteStartObject();
        var columns = batch.Columns;
        for (var c = 0; c < columns.Length; c++)
        {
            writer.WritePropertyName(batch.Schema[c].Name);
            ValueFormat.WriteJson(writer, columns[c], row);
        }

        writer.WriteEndObject();
        writer.Flush();
        if (!array)
        {
            output.Write("\n"u8);
        }
    }
}
