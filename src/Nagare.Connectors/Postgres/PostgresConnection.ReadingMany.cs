using System.Runtime.CompilerServices;
using System.Text;
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
    public async IAsyncEnumerable<(int Request, ColumnBatch Batch)> ReadManyAsync(IReadOnlyList<ReadRequest> requests, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var start = 0;
        while (start < requests.Count)
        {
            var end = start + 1;
            if (Combinable(requests[start]))
            {
                var wires = BuildCopyQuery(requests[start], requests[start].EffectiveColumns).Wires;
                while (end < requests.Count && end - start < TablesPerStatement && Combinable(requests[end]) && SameRead(requests[start], wires, requests[end]))
                {
                    end++;
                }
            }

            if (end - start == 1)
            {
                await foreach (var batch in ReadAsync(requests[start], cancellationToken).ConfigureAwait(false))
                {
                    yield return (start, batch);
                }
            }
            else
            {
                await foreach (var (part, batch) in ReadCombinedAsync(requests, start, end, cancellationToken).ConfigureAwait(false))
                {
                    yield return (start + part, batch);
                }
            }

            start = end;
        }
    }

    private static bool Combinable(ReadRequest request) =>
        request.CustomSql is null && request.Range is null && request.Limit is null;

    /// <summary>Reads the same columns, decoded the same way, in batches of the same size, in the same snapshot.</summary>
    private static bool SameRead(ReadRequest first, NpgsqlDbType[] wires, ReadRequest other)
    {
        var columns = first.EffectiveColumns;
        var others = other.EffectiveColumns;
        return other.BatchSize == first.BatchSize && other.Snapshot == first.Snapshot && others.Length == columns.Length &&
            columns.Zip(others).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type) &&
            BuildCopyQuery(other, others).Wires.AsSpan().SequenceEqual(wires);
    }

    private async IAsyncEnumerable<(int Part, ColumnBatch Batch)> ReadCombinedAsync(IReadOnlyList<ReadRequest> requests, int start, int end, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = requests[start].EffectiveColumns;
        var streams = new string[end - start];
        var sql = new StringBuilder("COPY (");
        NpgsqlDbType[] wires = [];
        long? largest = 0;
        for (var i = start; i < end; i++)
        {
            streams[i - start] = requests[i].Stream.Id.ToString();
            largest = requests[i].Stream.EstimatedRows is { } estimate && largest is { } known ? Math.Max(known, estimate) : null;
            sql.Append(i == start ? "(" : " UNION ALL (");
            wires = AppendSelect(sql, requests[i], requests[i].EffectiveColumns, i - start);
            sql.Append(')');
        }

        sql.Append(") TO STDOUT (FORMAT BINARY)");

        // Batches the size of the biggest table the catalog knows of: a fan-in of small tables needs no full batch.
        var full = requests[start].BatchSize;
        var capacity = largest is { } most && most < full / 4 ? (int)Math.Max(64, (most * 2) + 16) : full;
        var batch = new ColumnBatch(columns, capacity);
        PostgresCopyReader? reader = null;

        // A value's message names the table of the row being decoded.
        int Decoding() => Math.Clamp(reader?.Part ?? 0, 0, streams.Length - 1);
        var readers = new PostgresColumnReader[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var name = columns[i].Name;
            readers[i] = PostgresColumnReader.Create(batch.Columns[i], columns[i].Type, wires[i], () => $"Column '{name}' of {streams[Decoding()]}", () => $"{requests[start + Decoding()].Stream.Id.Name}.{name}");
        }

        var label = $"{streams[0]} … {streams[^1]} ({streams.Length} tables in one COPY)";
        var before = new long[streams.Length];
        await using var session = await OpenSessionAsync($"reading {label}", cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        Stream? copy = null;
        try
        {
            try
            {
                if (requests[start].Snapshot is { } token)
                {
                    transaction = await session.Connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                    await using var command = Command(session.Connection, $"SET TRANSACTION SNAPSHOT {PostgresDialect.Literal(token)}; SET TRANSACTION READ ONLY", transaction);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
                var rows = await FillAsync(reader, capacity, readers, label, cancellationToken).ConfigureAwait(false);
                if (rows > 0)
                {
                    var part = reader.Part;
                    if (part < 0 || part >= streams.Length)
                    {
                        throw new ConnectorException($"Reading {label}: a row names part {part} of {streams.Length}.") { Connection = Name };
                    }

                    batch.RowCount = rows;
                    batch.Origin = streams[part];
                    batch.FirstRowNumber = before[part] + 1;
                    before[part] += rows;
                    yield return (part, batch);
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
