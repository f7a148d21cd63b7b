using System.Globalization;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.DuckDb;

namespace Nagare.Runtime.Activations;

/// <summary>
/// Records as JSON for destinations that confirm record by record (an HTTP API), and what they answered: the keys
/// confirmed (which alone advance the snapshot), the records rejected (<c>NAME__rejected</c>, kept until delivered)
/// and the requests made (<c>NAME__requests</c>, kept <c>retention_days</c>). A record's key is compared as the JSON
/// text DuckDB makes of its key fields, so the key read out and the key matched back are the same text.
/// </summary>
internal sealed partial class ActivationDiff
{
    private const string Confirmed = "_nagare_confirmed";

    /// <summary>Longest text kept of a request's or an answer's body.</summary>
    public const int KeptBodyLength = 4096;

    private string RejectedTable => ActivationTables.Rejected(Name);

    private string RequestsTable => ActivationTables.Requests(Name);

    /// <summary>Reads <paramref name="records"/> one by one as JSON, in key order (at most <paramref name="limit"/> when set); returns the records read.</summary>
    public async Task<long> ReadRecordsAsync(ActivationRecords records, int? limit, Func<ActivationRecord, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        var fields = Columns.Select(c => c.Name);
        var sql = records switch
        {
            ActivationRecords.All => $"SELECT {KeyJson("r")}, {Json(fields, "r")}, 'insert' FROM {Result} AS r",
            ActivationRecords.Changes => $"SELECT {KeyJson("r")}, {Json(fields, "r")}, r.{Op} FROM {Changes} AS r",
            ActivationRecords.DeletedKeys => $"SELECT {KeyJson("r")}, {KeyJson("r")}, 'delete' FROM {Deletes} AS r",
            _ => throw new ArgumentOutOfRangeException(nameof(records), records, "records are read as JSON one kind at a time"),
        };
        sql += $" ORDER BY {Names(Key, "r")}" + (limit is { } n ? " LIMIT " + n.ToString(CultureInfo.InvariantCulture) : string.Empty);
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var duck = (DuckDbDataReader)reader;
            long count = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The JSON is kept as DuckDB's UTF-8 bytes: a request body is then a copy of them, not a string made
                // and encoded again for each of a million records.
                var record = new ActivationRecord(records, count, duck.GetRawBytes(0).ToArray(), duck.GetRawBytes(1).ToArray(), ActivationRecord.OperationOf(duck.GetRawBytes(2)));
                count++;
                await consume(record, cancellationToken).ConfigureAwait(false);
            }

            return count;
        }
    }

    /// <summary>Leaves in the changes and deletes only the records rejected before (<c>--retry-rejected</c>).</summary>
    private void KeepOnlyRejected()
    {
        var rejected = TableExists(Name + "__rejected") ? $"SELECT key FROM {RejectedTable}" : "SELECT NULL::VARCHAR AS key WHERE false";
        _db.ExecuteNonQuery($"DELETE FROM {Changes} AS r WHERE {KeyJson("r")} NOT IN ({rejected})");
        _db.ExecuteNonQuery($"DELETE FROM {Deletes} AS r WHERE {KeyJson("r")} NOT IN ({rejected})");
    }

    /// <summary>
    /// Loads the keys of the confirmed records into a temporary table; returns the condition that keeps a record of
    /// alias <c>c</c> only when confirmed. The receipts hold where the confirmed records are in the order they were read
    /// (ranges of places, about one a request), not a million keys: the keys are found again here, in that same order.
    /// </summary>
    private string LoadConfirmed(ActivationReceipts receipts)
    {
        var ranges = receipts.ConfirmedRanges;
        _db.ExecuteNonQuery($"CREATE OR REPLACE TEMP TABLE {Confirmed}_ranges (part VARCHAR, first BIGINT, last BIGINT)");
        foreach (var chunk in ranges.Chunk(1000))
        {
            _db.ExecuteNonQuery($"INSERT INTO {Confirmed}_ranges VALUES {string.Join(", ", chunk.Select(r => string.Create(CultureInfo.InvariantCulture, $"('{r.Part}', {r.First}, {r.Last})")))}");
        }

        var parts = ranges.Select(r => r.Part).Distinct().Select(part =>
        {
            var source = part switch
            {
                ActivationRecords.All => Result,
                ActivationRecords.Changes => Changes,
                ActivationRecords.DeletedKeys => Deletes,
                _ => throw new InvalidOperationException($"records of {part} are not confirmed one by one"),
            };
            return $"""
                SELECT {KeyJson("c")} AS key
                FROM (SELECT *, row_number() OVER (ORDER BY {Names(Key)}) - 1 AS _nagare_ordinal FROM {source}) AS c
                WHERE c._nagare_ordinal IN (SELECT unnest(range(first, last + 1)) FROM {Confirmed}_ranges WHERE part = '{part}')
                """;
        }).ToList();
        _db.ExecuteNonQuery($"CREATE OR REPLACE TEMP TABLE {Confirmed} AS {(parts.Count == 0 ? "SELECT NULL::VARCHAR AS key WHERE false" : string.Join(" UNION ALL ", parts))}");
        return $" AND {KeyJson("c")} IN (SELECT key FROM {Confirmed})";
    }

    /// <summary>
    /// Keeps what the destination answered, in the snapshot's transaction: rejected records replace earlier rejections
    /// of their keys; confirmed ones, and those no longer to be sent, leave the rejected table; requests are added and
    /// those older than the retention pruned.
    /// </summary>
    private void SaveReceipts(ActivationPlan plan, ActivationReceipts receipts, ActivationRunStamp stamp)
    {
        _db.ExecuteNonQuery($"""
            CREATE TABLE IF NOT EXISTS {RejectedTable} (
                key VARCHAR, operation VARCHAR, record VARCHAR, http_status INTEGER, response VARCHAR, error VARCHAR,
                run_id BIGINT, rejected_at TIMESTAMP WITH TIME ZONE)
            """);
        if (receipts.AllConfirmed)
        {
            _db.ExecuteNonQuery($"DELETE FROM {RejectedTable}");
        }
        else
        {
            if (receipts.Failure is null)
            {
                // The run went to its end: a rejection whose record this run did not have to send is settled.
                var pending = plan.SendsAll
                    ? $"SELECT {KeyJson("c")} FROM {Result} AS c"
                    : $"SELECT {KeyJson("c")} FROM {Changes} AS c UNION ALL SELECT {KeyJson("c")} FROM {Deletes} AS c";
                _db.ExecuteNonQuery($"DELETE FROM {RejectedTable} WHERE key NOT IN ({pending})");
            }

            _db.ExecuteNonQuery($"DELETE FROM {RejectedTable} WHERE key IN (SELECT key FROM {Confirmed})");
            var rejections = receipts.Rejections;
            foreach (var chunk in rejections.Chunk(500))
            {
                _db.ExecuteNonQuery($"DELETE FROM {RejectedTable} WHERE key IN ({string.Join(", ", chunk.Select(r => DuckDbDialect.Literal(r.Key)))})");
            }

            // Appended in the snapshot's transaction, rather than written into statements DuckDB would parse again.
            using var rejected = _db.CreateAppender(Schema, Name + "__rejected");
            foreach (var r in rejections)
            {
                rejected.AppendRow(r.Key, r.Operation, r.Record, r.Status, r.Response, r.Error, stamp.RunId, stamp.At);
            }

            rejected.Close();
        }

        _db.ExecuteNonQuery($"""
            CREATE TABLE IF NOT EXISTS {RequestsTable} (
                run_id BIGINT, run_at TIMESTAMP WITH TIME ZONE, sequence BIGINT, attempt INTEGER, sent_at TIMESTAMP WITH TIME ZONE,
                method VARCHAR, url VARCHAR, request_headers VARCHAR, request_body VARCHAR, http_status INTEGER,
                response_headers VARCHAR, response_body VARCHAR, error VARCHAR, milliseconds DOUBLE)
            """);
        _db.ExecuteNonQuery($"DELETE FROM {RequestsTable} WHERE sent_at < {Timestamp(stamp.At.AddDays(-receipts.RetentionDays))}");
        using var requests = _db.CreateAppender(Schema, Name + "__requests");
        foreach (var e in receipts.Exchanges)
        {
            requests.AppendRow(stamp.RunId, stamp.At, e.Sequence, e.Attempt, e.SentAt, e.Method, e.Url, e.RequestHeaders, e.RequestBody, e.Status, e.ResponseHeaders, e.ResponseBody, e.Error, Math.Round(e.Milliseconds, 3));
        }

        requests.Close();
    }

    /// <summary>The key fields of the row of <paramref name="alias"/> as JSON text.</summary>
    private string KeyJson(string alias) => Json(Key, alias);

    private static string Json(IEnumerable<string> fields, string alias)
    {
        var text = new StringBuilder("CAST(json_object(");
        var first = true;
        foreach (var field in fields)
        {
            text.Append(first ? string.Empty : ", ").Append(DuckDbDialect.Literal(field)).Append(", ").Append(alias).Append('.').Append(Q(field));
            first = false;
        }

        return text.Append(") AS VARCHAR)").ToString();
    }

    private bool TableExists(string table) => TableExists(_db, table);

    /// <summary>Whether the activations' schema of <paramref name="warehouse"/> has table <paramref name="table"/>.</summary>
    internal static bool TableExists(DuckDbConnection warehouse, string table) =>
        warehouse.ExecuteScalar<long>($"SELECT count(*) FROM duckdb_tables() WHERE schema_name = {DuckDbDialect.Literal(Schema)} AND table_name = {DuckDbDialect.Literal(table)}") > 0;

    private static string Timestamp(DateTimeOffset at) =>
        $"CAST({DuckDbDialect.Literal(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")} AS TIMESTAMP WITH TIME ZONE)";
}
