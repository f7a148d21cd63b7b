using System.Runtime.CompilerServices;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Common;

/// <summary>
/// What SQL sources share in <see cref="IMultiTableSource.ReadManyAsync"/>: cutting the requests into runs one
/// statement can answer, and the bookkeeping of a statement whose rows each say which request (part) they answer.
/// </summary>
internal static class CombinedReads
{
    /// <summary>
    /// Reads <paramref name="requests"/> in order: runs of up to <paramref name="perStatement"/> requests that
    /// <paramref name="joiner"/> lets join the run's first (given the first, it says which others may join it, or is
    /// null when the first is read alone) through <paramref name="readCombined"/> (given the run's start and end),
    /// the others alone through <paramref name="readOne"/>.
    /// </summary>
    public static async IAsyncEnumerable<(int Request, ColumnBatch Batch)> ReadAsync(
        IReadOnlyList<ReadRequest> requests,
        int perStatement,
        Func<ReadRequest, Func<ReadRequest, bool>?> joiner,
        Func<ReadRequest, CancellationToken, IAsyncEnumerable<ColumnBatch>> readOne,
        Func<int, int, CancellationToken, IAsyncEnumerable<(int Part, ColumnBatch Batch)>> readCombined,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var start = 0;
        while (start < requests.Count)
        {
            var end = start + 1;
            if (joiner(requests[start]) is { } joins)
            {
                while (end < requests.Count && end - start < perStatement && joins(requests[end]))
                {
                    end++;
                }
            }

            if (end - start == 1)
            {
                await foreach (var batch in readOne(requests[start], cancellationToken).ConfigureAwait(false))
                {
                    yield return (start, batch);
                }
            }
            else
            {
                await foreach (var (part, batch) in readCombined(start, end, cancellationToken).ConfigureAwait(false))
                {
                    yield return (start + part, batch);
                }
            }

            start = end;
        }
    }
}

/// <summary>
/// The parts of one combined statement (requests <c>start</c> to <c>end</c>): their stream names, a label for
/// messages, a batch size that fits the biggest table the catalog knows of, and each part's row count so far.
/// </summary>
internal sealed class CombinedParts
{
    private readonly long[] _rowsBefore;

    public CombinedParts(IReadOnlyList<ReadRequest> requests, int start, int end, string statement)
    {
        Streams = new string[end - start];
        long? largest = 0;
        for (var i = start; i < end; i++)
        {
            Streams[i - start] = requests[i].Stream.Id.ToString();
            largest = requests[i].Stream.EstimatedRows is { } estimate && largest is { } known ? Math.Max(known, estimate) : null;
        }

        Label = $"{Streams[0]} … {Streams[^1]} ({Streams.Length} tables in one {statement})";

        // A fan-in of small tables needs no full batch.
        var full = requests[start].BatchSize;
        Capacity = largest is { } most && most < full / 4 ? (int)Math.Max(64, (most * 2) + 16) : full;
        _rowsBefore = new long[Streams.Length];
    }

    /// <summary>Each part's stream, as <c>schema.table</c>.</summary>
    public string[] Streams { get; }

    /// <summary>The statement's tables, for messages.</summary>
    public string Label { get; }

    /// <summary>Rows per batch.</summary>
    public int Capacity { get; }

    /// <summary>A part number a row gave, or the first part while no row has said, kept within range (for messages).</summary>
    public int Known(int part) => Math.Clamp(part, 0, Streams.Length - 1);

    /// <summary>The row number, within its own table, of row <paramref name="row"/> of the batch being filled for <paramref name="part"/>.</summary>
    public long RowNumber(int part, int row) => _rowsBefore[Known(part)] + row + 1;

    /// <summary>Marks <paramref name="batch"/> as <paramref name="rows"/> rows of <paramref name="part"/> and counts them.</summary>
    /// <exception cref="ConnectorException">The part is not one of the statement's.</exception>
    public (int Part, ColumnBatch Batch) Complete(ColumnBatch batch, int part, int rows, string connection)
    {
        if (part < 0 || part >= Streams.Length)
        {
            throw new ConnectorException($"Reading {Label}: a row names part {part} of {Streams.Length}.") { Connection = connection };
        }

        batch.RowCount = rows;
        batch.Origin = Streams[part];
        batch.FirstRowNumber = _rowsBefore[part] + 1;
        _rowsBefore[part] += rows;
        return (part, batch);
    }
}
