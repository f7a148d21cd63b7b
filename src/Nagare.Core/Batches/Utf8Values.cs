using System.Text;

namespace Nagare.Core.Batches;

/// <summary>
/// The text of a string column held as UTF-8 bytes in one reused buffer, as a source read it. A source whose
/// data arrives as UTF-8 fills this instead of creating a .NET string per value, and a destination that takes
/// UTF-8 (DuckDB, Parquet, PostgreSQL) copies the bytes straight through; anyone else reading
/// <see cref="ColumnVector{T}.Values"/> gets strings decoded on first access. See
/// <see cref="ColumnVector{T}.BeginUtf8"/>.
/// </summary>
public sealed class Utf8Values
{
    private byte[] _bytes;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private int _used;

    internal Utf8Values(int capacity)
    {
        _starts = new int[capacity];
        _lengths = new int[capacity];
        _bytes = new byte[Math.Max(1024, capacity * 16)];
    }

    /// <summary>Rows 0 to <c>Count - 1</c> are defined (NULL rows as empty; the vector's null mask tells).</summary>
    public int Count { get; private set; }

    /// <summary>True while the column's strings have not been decoded from these bytes.</summary>
    internal bool Pending { get; set; }

    /// <summary>The buffer holding every value; see <see cref="Starts"/> and <see cref="Lengths"/>.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _used);

    /// <summary>Where each row's bytes begin in <see cref="Bytes"/>.</summary>
    public ReadOnlySpan<int> Starts => _starts.AsSpan(0, Count);

    /// <summary>Each row's byte length.</summary>
    public ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, Count);

    /// <summary>The bytes of <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> this[int row] => _bytes.AsSpan(_starts[row], _lengths[row]);

    /// <summary>Stores <paramref name="utf8"/> (valid UTF-8: the caller checks) as the value of <paramref name="row"/>.</summary>
    public void Set(int row, ReadOnlySpan<byte> utf8)
    {
        if (_bytes.Length - _used < utf8.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + utf8.Length));
        }

        utf8.CopyTo(_bytes.AsSpan(_used));
        _starts[row] = _used;
        _lengths[row] = utf8.Length;
        _used += utf8.Length;
        if (row >= Count)
        {
            Count = row + 1;
        }
    }

    /// <summary>Marks <paramref name="row"/> as holding no bytes (for a NULL row).</summary>
    public void SetEmpty(int row)
    {
        _starts[row] = _used;
        _lengths[row] = 0;
        if (row >= Count)
        {
            Count = row + 1;
        }
    }

    internal void Reset()
    {
        _used = 0;
        Count = 0;
    }

    internal void Decode(string?[] values, bool[] nulls)
    {
        for (var row = 0; row < Count; row++)
        {
            values[row] = nulls[row] ? null : Encoding.UTF8.GetString(_bytes, _starts[row], _lengths[row]);
        }
    }
}
