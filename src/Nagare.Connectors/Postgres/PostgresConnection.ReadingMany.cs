using System.Runtime.CompilerServices;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

// Several tables in one COPY: a fan-in of many small tables.
public sealed partial class PostgresConnection : IMultiTableSource
{
    /// <summary>
    /// Most tables one combined COPY reads. Planning a UNION ALL costs more per branch as it grows: 2,000 tables of 100
    /// rows took PostgreSQL 0.27 s in COPYs of 50, 0.38 s in COPYs of 200 and 1.95 s in one, against 0.49 s one by one.
    /// </summary>
    internal const int TablesPerStatement = 50;

    /// <summary>
    /// Reads consecutive requests for the same columns in the same snapshot (if any; no custom SQL, key range or limit) with one
    /// <c>COPY (SELECT 0, … FROM a UNION ALL SELECT 1, … FROM b …) TO STDOUT</c> of up to
    /// <see cref="TablesPerStatement"/> tables: each row says which request it answers, and a batch holds one
    /// request's rows. Other requests are read one by one, as <see cref="ReadAsync"/> reads them.
    /// </summary>
    public IAsyncEnumerable<(int Request, ColumnBatch Batch)> ReadManyAsync(IReadOnlyList<ReadRequest> requests, CancellationToken cancellationToken) =>
        CombinedReads.ReadAsync(
            requests,
            TablesPerStatement,
            first =>
            {
                if (!Combinable(first))
                {
                    return null;
                }

                var wires = WiresOf(first);
                return other => Combinable(other) && SameRead(first, wires, other);
            },
            ReadAsync,
            (start, end, ct) => ReadCombinedAsync(requests, start, end, ct),
            cancellationToken);

    private static bool Combinable(ReadRequest request) =>
        request.CustomSql is null && request.Range is null && request.Limit is null;

    /// <summary>Reads the same columns, decoded the same way, in batches of the same size, in the same snapshot.</summary>
    private static bool SameRead(ReadRequest first, NpgsqlDbType[] wires, ReadRequest other)
    {
        var columns = first.EffectiveColumns;
        var others = other.EffectiveColumns;
        return other.BatchSize == first.BatchSize && other.Snapshot == first.Snapshot && others.Length == columns.Length &&
            columns.Zip(others).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type) &&
            WiresOf(other).AsSpan().SequenceEqual(wires);
    }

    private async IAsyncEnumerable<(int Part, ColumnBatch Batch)> ReadCombinedAsync(IReadOnlyList<ReadRequest> requests, int start, int end, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = requests[start].EffectiveColumns;
        var parts = new CombinedParts(requests, start, end, "COPY");
        var label = parts.Label;
        var sql = new StringBuilder("COPY (");
        NpgsqlDbType[] wires = [];
        for (var i = start; i < end; i++)
        {
            sql.Append(i == start ? "(" : " UNION ALL (");
            wires = AppendSelect(sql, requests[i], requests[i].EffectiveColumns, i - start);
            sql.Append(')');
        }

        sql.Append(") TO STDOUT (FORMAT BINARY)");
        var batch = new ColumnBatch(columns, parts.Capacity);
        PostgresCopyReader? reader = null;

        // A value's message names the table of the row being decoded.
        int Decoding() => parts.Known(reader?.Part ?? 0);
        var readers = new PostgresColumnReader[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var name = columns[i].Name;
            readers[i] = PostgresColumnReader.Create(batch.Columns[i], columns[i].Type, wires[i], () => $"Column '{name}' of {parts.Streams[Decoding()]}", () => $"{requests[start + Decoding()].Stream.Id.Name}.{name}");
        }

        await using var session = await OpenSessionAsync($"reading {label}", cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        Stream? copy = null;
        try
        {
            try
            {
                if (requests[start].Snapshot is { } token)
                {
                    transaction = await BeginSnapshotReadAsync(session.Connection, token, cancellationToken).ConfigureAwait(false);
                }

                CountCommand();
                copy = await session.Connection.BeginRawBinaryCopyAsync(sql.ToString(), cancellationToken).ConfigureAwait(false);
                reader = new PostgresCopyReader(copy, label, parts: true);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw Translate(e, "reading", label);
            }

            while (true)
            {
                batch.Reset();
                var rows = await FillAsync(reader, parts.Capacity, readers, label, cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                {
                    yield return parts.Complete(batch, reader.Part, rows, Name);
                }

                if (reader.Finished)
                {
                    break;
                }
            }

            if (transaction is not null)
            {
                await copy!.DisposeAsync().ConfigureAwait(false);
                copy = null;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reader?.Dispose();
            if (copy is not null)
            {
                await DisposeQuietlyAsync(copy).ConfigureAwait(false);
            }

            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
