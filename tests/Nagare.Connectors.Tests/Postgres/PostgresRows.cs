using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>Test shortcuts: read a stream into boxed rows, write boxed rows through a writer.</summary>
internal static class PostgresRows
{
    public static async Task<List<object?[]>> ReadAllAsync(ISource source, ReadRequest request)
    {
        var rows = new List<object?[]>();
        await foreach (var batch in source.ReadAsync(request, CancellationToken.None))
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                rows.Add([.. batch.Columns.Select(c => c.GetBoxed(r))]);
            }
        }

        return rows;
    }

    public static async Task<StreamSchema> DiscoverOneAsync(ISource source, string schema, string table)
    {
        await foreach (var stream in source.DiscoverAsync(new DiscoverRequest([schema], $"{schema}.{table}"), CancellationToken.None))
        {
            if (stream.Id.Name == table)
            {
                return stream;
            }
        }

        throw new InvalidOperationException($"{schema}.{table} was not discovered.");
    }

    public static ColumnBatch Batch(ImmutableArray<ColumnSchema> columns, params object?[][] rows)
    {
        var batch = new ColumnBatch(columns, Math.Max(1, rows.Length));
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                batch.Columns[c].SetBoxed(r, rows[r][c]);
            }
        }

        batch.RowCount = rows.Length;
        batch.FirstRowNumber = 1;
        return batch;
    }

    public static async Task<WriteResult> WriteAsync(IDestination destination, WriteRequest request, StreamState? state, params object?[][] rows)
    {
        await using var writer = await destination.OpenWriterAsync(request, CancellationToken.None);
        await writer.WriteAsync(Batch(request.Columns, rows), CancellationToken.None);
        return await writer.CommitAsync(state, CancellationToken.None);
    }
}
