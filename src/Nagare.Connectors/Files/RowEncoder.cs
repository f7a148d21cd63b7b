using System.Buffers;
using Nagare.Core.Batches;

namespace Nagare.Connectors.Files;

/// <summary>
/// Turns rows into the bytes of a text file format, one row at a time, so a part writer knows each row's exact
/// size before it writes it. A file is <see cref="Prologue"/>, rows (each after <see cref="FirstSeparator"/> or
/// <see cref="Separator"/>), then <see cref="Epilogue"/>.
/// </summary>
internal abstract class RowEncoder
{
    public virtual byte[] Prologue => [];

    public virtual byte[] FirstSeparator => [];

    public virtual byte[] Separator => [];

    public virtual byte[] Epilogue => [];

    /// <summary>Appends row <paramref name="row"/> of <paramref name="batch"/> (with its line ending, if the format has one).</summary>
    public abstract void Encode(ColumnBatch batch, int row, ArrayBufferWriter<byte> output);
}
