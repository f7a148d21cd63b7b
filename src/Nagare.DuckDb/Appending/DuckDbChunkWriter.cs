using System.Buffers;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Appending;

/// <summary>
/// Fills one DuckDB data chunk column by column: the chunk an appender sends to a table, or the output
/// chunk of a table function. Write up to <see cref="Capacity"/> rows per column through
/// <see cref="Column"/> (or the shortcuts here), then set <see cref="Size"/> to the number of rows filled.
/// </summary>
/// <example>
/// <code>
/// var chunk = appender.Chunk;
/// chunk.Write&lt;long&gt;(0, ids[..n]);
/// chunk.Write&lt;string&gt;(1, names[..n]);
/// chunk.SetNull(2, 17);
/// chunk.Size = n;
/// appender.AppendChunk();
/// </code>
/// </example>
public sealed class DuckDbChunkWriter
{
    private readonly DuckDbVectorWriter[] _columns;
    private IntPtr _chunk;
    private byte[]? _scratch;
    private int _size;

    internal DuckDbChunkWriter(string target, IReadOnlyList<DuckDbColumnType> columnTypes, IReadOnlyList<string>? columnNames = null)
    {
        Target = target;
        Capacity = checked((int)NativeMethods.duckdb_vector_size());
        ColumnTypes = columnTypes;
        _columns = new DuckDbVectorWriter[columnTypes.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            var name = columnNames is not null && i < columnNames.Count ? $" \"{columnNames[i]}\"" : "";
            _columns[i] = new DuckDbVectorWriter(this, columnTypes[i], $"column {i}{name}");
        }
    }

    /// <summary>Rows one chunk holds (DuckDB's vector size, 2048 by default).</summary>
    public int Capacity { get; }

    /// <summary>Number of columns in the chunk.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>DuckDB types of the columns, in chunk order.</summary>
    public IReadOnlyList<DuckDbColumnType> ColumnTypes { get; }

    /// <summary>Rows filled so far; set it after writing the columns. Between 0 and <see cref="Capacity"/>.</summary>
    public int Size
    {
        get => _size;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Capacity);
            _size = value;
        }
    }

    /// <summary>Whether no more rows fit.</summary>
    public bool IsFull => _size >= Capacity;

    /// <summary>What the chunk is written to, for error messages (e.g. <c>table "main"."orders"</c>).</summary>
    internal string Target { get; }

    internal IntPtr NativeChunk => _chunk;

    /// <summary>The writer of column <paramref name="index"/>.</summary>
    public DuckDbVectorWriter Column(int index)
    {
        if ((uint)index >= (uint)_columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Column {index} does not exist; {Target} has {_columns.Length} columns.");
        }

        return _columns[index];
    }

    /// <summary>Raw memory of a fixed-width column; see <see cref="DuckDbVectorWriter.GetData{T}"/>.</summary>
    public Span<T> GetData<T>(int column)
        where T : unmanaged => Column(column).GetData<T>();

    /// <summary>Writes <paramref name="values"/> into <paramref name="column"/> from <paramref name="startRow"/> on.</summary>
    public void Write<T>(int column, ReadOnlySpan<T> values, int startRow = 0) => Column(column).Write(values, startRow);

    /// <summary>Writes one value.</summary>
    public void Set<T>(int column, int row, T value) => Column(column).Set(row, value);

    /// <summary>Marks one cell NULL.</summary>
    public void SetNull(int column, int row) => Column(column).SetNull(row);

    /// <summary>Writes UTF-8 bytes into a VARCHAR cell.</summary>
    public void SetUtf8(int column, int row, ReadOnlySpan<byte> utf8) => Column(column).SetUtf8(row, utf8);

    /// <summary>Writes a LIST cell.</summary>
    public void SetList<T>(int column, int row, ReadOnlySpan<T> items) => Column(column).SetList(row, items);

    /// <summary>Points the writer at a native chunk whose vectors are ready for writing.</summary>
    internal void Attach(IntPtr chunk)
    {
        _chunk = chunk;
        _size = 0;
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i].Attach(NativeMethods.duckdb_data_chunk_get_vector(chunk, (ulong)i), Capacity);
        }
    }

    /// <summary>Publishes <see cref="Size"/> to the native chunk.</summary>
    internal void CommitSize() => NativeMethods.duckdb_data_chunk_set_size(_chunk, (ulong)_size);

    /// <summary>Empties the native chunk (dropping its strings and list elements) for the next batch.</summary>
    internal void Reset()
    {
        NativeMethods.duckdb_data_chunk_reset(_chunk);
        Attach(_chunk);
    }

    /// <summary>A scratch buffer of at least <paramref name="length"/> bytes, reused across calls.</summary>
    internal byte[] RentScratch(int length)
    {
        if (_scratch is null || _scratch.Length < length)
        {
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
        }

        return _scratch;
    }

    /// <summary>Returns pooled memory and forgets the native chunk.</summary>
    internal void Release()
    {
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }

        _chunk = IntPtr.Zero;
        foreach (var column in _columns)
        {
            column.Detach();
        }
    }
}
