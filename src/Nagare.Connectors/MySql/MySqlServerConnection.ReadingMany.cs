using System.Runtime.CompilerServices;
using System.Text;
using MySqlConnector;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.MySql;

// Several tables in one SELECT: a fan-in of many small tables.
public sealed partial class MySqlServerConnection : IMultiTableSource
{
    /// <summary>Most tables one combined SELECT reads.</summary>
    internal const int TablesPerStatement = 50;

    /// <summary>
    /// Reads consecutive requests for the same columns of the same native types (no custom SQL, snapshot, key range
    /// or limit, and zero dates not read as errors) with one <c>(SELECT 0, … FROM a) UNION ALL (SELECT 1, … FROM b)
    /// …</c> of up to <see cref="TablesPerStatement"/> tables: each row says which request it answers, and a batch
    /// holds one request's rows. Other requests are read one by one, as <see cref="ReadAsync"/> reads them.
    /// </summary>
    public IAsyncEnumerable<(int Request, ColumnBatch Batch)> ReadManyAsync(IReadOnlyList<ReadRequest> requests, CancellationToken cancellationToken) =>
        CombinedReads.ReadAsync(
            requests,
            TablesPerStatement,
            first => Combinable(first) ? other => Combinable(other) && SameRead(first, other) : null,
            ReadAsync,
            (start, end, ct) => ReadCombinedAsync(requests, start, end, ct),
            cancellationToken);

    private bool Combinable(ReadRequest request) =>
        request.CustomSql is null && request.Snapshot is null && request.Range is null && request.Limit is null && Options.ZeroDates != MySqlZeroDates.Error;

    /// <summary>
    /// Reads the same columns, of the same native types (a column reader depends on it, and UNION would widen
    /// differing ones), in batches of the same size.
    /// </summary>
    private static bool SameRead(ReadRequest first, ReadRequest other)
    {
        var columns = first.EffectiveColumns;
        var others = other.EffectiveColumns;
        return other.BatchSize == first.BatchSize && others.Length == columns.Length &&
            columns.Zip(others).All(p => p.First.Name == p.Second.Name && p.First.Type == p.Second.Type &&
                string.Equals(first.Stream.Find(p.First.Name)?.NativeType, other.Stream.Find(p.Second.Name)?.NativeType, StringComparison.OrdinalIgnoreCase));
    }

    private async IAsyncEnumerable<(int Part, ColumnBatch Batch)> ReadCombinedAsync(IReadOnlyList<ReadRequest> requests, int start, int end, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = requests[start];
        var columns = first.EffectiveColumns;
        var readers = columns.Select(c => MySqlColumnReader.Create(c, first.Stream.Find(c.Name)?.NativeType, Options)).ToArray();
        var parts = new CombinedParts(requests, start, end, "SELECT");
        var label = parts.Label;
        var batch = new ColumnBatch(columns, parts.Capacity);

        // The session's settings travel with the SELECT, as a single read's do.
        var session = await OpenSessionAsync($"reading {label}", cancellationToken, settingsSent: false).ConfigureAwait(false);
        MySqlCommand? command = null;
        MySqlDataReader? reader = null;
        var ended = false;
        try
        {
            command = Command(null, session.Connection);
            var sql = new StringBuilder(SessionSetup).Append(";\n");
            for (var i = start; i < end; i++)
            {
                sql.Append(i == start ? "(" : " UNION ALL (").Append(SelectSql(requests[i], requests[i].EffectiveColumns, [], command, i - start)).Append(')');
            }

            command.CommandText = sql.ToString();
            try
            {
                reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e)
            {
                throw Translate(e, "reading", label);
            }

            // After a batch ends at another table's first row, the reader stands on that row: the next batch starts with it.
            var standing = false;
            while (!ended)
            {
                batch.Reset();
                var rows = 0;
                var part = -1;
                try
                {
                    while (rows < parts.Capacity)
                    {
                        if (!standing && !await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            ended = true;
                            break;
                        }

                        standing = false;
                        var rowPart = (int)reader.GetInt64(0);
                        if (part < 0)
                        {
                            part = rowPart;
                        }
                        else if (rowPart != part)
                        {
                            standing = true;
                            break;
                        }

                        ReadRow(reader, batch, readers, rows, parts.Streams[parts.Known(part)], parts.RowNumber(part, rows));
                        rows++;
                    }
                }
                catch (MySqlException e)
                {
                    throw Translate(e, "reading", label);
                }

                if (rows > 0)
                {
                    yield return parts.Complete(batch, part, rows, Name);
                }
            }
        }
        finally
        {
            if (reader is not null)
            {
                if (!ended)
                {
                    // Disposing a reader reads the rest of the result; a consumer that stopped early must not pay for it.
                    await CancelQuietlyAsync(command!).ConfigureAwait(false);
                }

                await DisposeQuietlyAsync(reader).ConfigureAwait(false);
            }

            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads the row the reader stands on (after its part number) into row <paramref name="row"/> of the batch.</summary>
    private void ReadRow(MySqlDataReader reader, ColumnBatch batch, MySqlColumnReader[] readers, int row, string stream, long rowNumber)
    {
        for (var c = 0; c < readers.Length; c++)
        {
            bool read;
            try
            {
                read = readers[c].Read(reader, c + 1, batch.Columns[c], row);
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
            {
                throw new ConnectorException($"Cannot read column '{batch.Schema[c].Name}' of {stream} row {rowNumber} as {batch.Schema[c].Type}: {e.Message}", e)
                {
                    Connection = Name,
                    Stream = stream,
                };
            }

            if (!read)
            {
                // Only zero dates read as errors are refused, and such reads are never combined.
                throw new ConnectorException($"Table {stream} of connection {Name}: column '{batch.Schema[c].Name}' holds a date no calendar has, at row {rowNumber}.")
                {
                    Connection = Name,
                    Stream = stream,
                };
            }
        }
    }
}
