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
            long count = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                count++;
                await consume(new ActivationRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2)), cancellationToken).ConfigureAwait(false);
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

    /// <summary>Loads the confirmed keys into a temporary table; returns the condition that keeps a record of alias <c>c</c> only when confirmed.</summary>
    private string LoadConfirmed(ActivationReceipts receipts)
    {
        _db.ExecuteNonQuery($"CREATE OR REPLACE TEMP TABLE {Confirmed} (key VARCHAR)");
        foreach (var chunk in receipts.Confirmed.Chunk(1000))
        {
            _db.ExecuteNonQuery($"INSERT INTO {Confirmed} VALUES {string.Join(", ", chunk.Select(k => $"({DuckDbDialect.Literal(k)})"))}");
        }

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
            var at = Timestamp(stamp.At);
            foreach (var chunk in rejections.Chunk(500))
            {
                _db.ExecuteNonQuery($"DELETE FROM {RejectedTable} WHERE key IN ({string.Join(", ", chunk.Select(r => DuckDbDialect.Literal(r.Key)))})");
                _db.ExecuteNonQuery($"INSERT INTO {RejectedTable} VALUES {string.Join(", ", chunk.Select(r =>
                    $"({Literal(r.Key)}, {Literal(r.Operation)}, {Literal(r.Record)}, {Literal(r.Status)}, {Literal(r.Response)}, {Literal(r.Error)}, {Literal(stamp.RunId)}, {at})"))}");
            }
        }

        _db.ExecuteNonQuery($"""
            CREATE TABLE IF NOT EXISTS {RequestsTable} (
                run_id BIGINT, run_at TIMESTAMP WITH TIME ZONE, sequence BIGINT, attempt INTEGER, sent_at TIMESTAMP WITH TIME ZONE,
                method VARCHAR, url VARCHAR, request_headers VARCHAR, request_body VARCHAR, http_status INTEGER,
                response_headers VARCHAR, response_body VARCHAR, error VARCHAR, milliseconds DOUBLE)
            """);
        _db.ExecuteNonQuery($"DELETE FROM {RequestsTable} WHERE sent_at < {Timestamp(stamp.At.AddDays(-receipts.RetentionDays))}");
        foreach (var chunk in receipts.Exchanges.Chunk(200))
        {
            _db.ExecuteNonQuery($"INSERT INTO {RequestsTable} VALUES {string.Join(", ", chunk.Select(e =>
                $"({Literal(stamp.RunId)}, {Timestamp(stamp.At)}, {Literal(e.Sequence)}, {Literal(e.Attempt)}, {Timestamp(e.SentAt)}, {Literal(e.Method)}, {Literal(e.Url)}, {Literal(e.RequestHeaders)}, {Literal(e.RequestBody)}, {Literal(e.Status)}, {Literal(e.ResponseHeaders)}, {Literal(e.ResponseBody)}, {Literal(e.Error)}, {e.Milliseconds.ToString("0.###", CultureInfo.InvariantCulture)})"))}");
        }
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

    private static string Literal(string? text) => text is null ? "NULL" : DuckDbDialect.Literal(text);

    private static string Literal(long? number) => number is { } n ? n.ToString(CultureInfo.InvariantCulture) : "NULL";

    private static string Timestamp(DateTimeOffset at) =>
        $"CAST({DuckDbDialect.Literal(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")} AS TIMESTAMP WITH TIME ZONE)";
}
