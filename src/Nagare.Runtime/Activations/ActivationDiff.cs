using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.Core.Text;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Runtime.Activations;

/// <summary>
/// An activation's records computed inside the warehouse: the result (destination fields, coerced, each row with a
/// hash of its values) in an in-memory database attached for the run, which a second connection can read while the
/// records are sent (<see cref="StartBeside"/>); then, against the snapshot of what was last delivered (key and hash
/// per record in <c>_nagare_activations."NAME__snapshot"</c>), the records to insert, update and delete, by SQL joins
/// on the key and the hash, in temporary tables. Nothing in the warehouse file changes until the snapshot is saved,
/// which the caller does only once the destination has committed. Disposing detaches the run's database.
/// </summary>
internal sealed partial class ActivationDiff : IDisposable
{
    /// <summary>The warehouse schema holding what activations delivered.</summary>
    public const string Schema = "_nagare_activations";

    /// <summary>Numbers the in-memory databases of runs in this process (a server runs several at once).</summary>
    private static long s_runs;

    private const string Changes = "_nagare_changes";
    private const string Deletes = "_nagare_deletes";
    private const string Hash = "_nagare_hash";
    private const string Op = "_nagare_op";

    private readonly DuckDbConnection _db;
    private readonly string _work;
    private readonly ActivationConfig _activation;
    private readonly ImmutableArray<string> _natives;
    private string _fingerprint = string.Empty;
    private bool _firstRun;

    private ActivationDiff(DuckDbConnection db, string work, ActivationConfig activation, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> natives)
    {
        _db = db;
        _work = work;
        Result = $"{Q(work)}.result";
        _activation = activation;
        Columns = columns;
        _natives = natives;
        Key = activation.Destination.Key;
    }

    public ImmutableArray<ColumnSchema> Columns { get; }

    /// <summary>The result table, in the run's in-memory database.</summary>
    private string Result { get; }

    public ImmutableArray<string> Key { get; }

    private ActivationMode Mode => _activation.Destination.Mode;

    private string Name => _activation.Name;

    private string SnapshotTable => $"{Q(Schema)}.{Q(Name + "__snapshot")}";

    /// <summary>
    /// Runs the query into the result table: fields mapped and converted (to a configured cast, else to the type the
    /// destination already has), hashed, and checked: conversions, and keys present and unique unless
    /// <paramref name="checkKeyValues"/> is false (the caller checks them beside the send, <see cref="StartBeside"/>,
    /// or later, <see cref="CheckKeyValues"/>).
    /// </summary>
    public static ActivationDiff Prepare(DuckDbConnection db, ActivationConfig activation, string sql, IReadOnlyDictionary<string, ColumnType> destinationTypes, bool checkKeyValues = true)
    {
        var work = "_nagare_activation_run_" + Interlocked.Increment(ref s_runs).ToString(CultureInfo.InvariantCulture);
        db.ExecuteNonQuery($"ATTACH ':memory:' AS {Q(work)}");
        try
        {
            var diff = Prepare(db, work, activation, sql, destinationTypes);
            if (checkKeyValues)
            {
                diff.CheckKeyValues();
            }

            return diff;
        }
        catch
        {
            db.ExecuteNonQuery($"DETACH DATABASE IF EXISTS {Q(work)}");
            throw;
        }
    }

    private static ActivationDiff Prepare(DuckDbConnection db, string work, ActivationConfig activation, string sql, IReadOnlyDictionary<string, ColumnType> destinationTypes)
    {
        var result = $"{Q(work)}.result";
        var source = Describe(db, $"SELECT * FROM ({sql.TrimEnd().TrimEnd(';')}) AS q", activation.Name, "the query");
        var mapping = activation.Columns.IsDefaultOrEmpty
            ? [.. source.Select(c => new ActivationColumn(c.Name, c.Name))]
            : activation.Columns;
        var select = new List<string>();
        var originals = new List<(string Field, string Original, ColumnType Type)>();
        foreach (var column in mapping)
        {
            var index = source.FindIndex(c => c.Name == column.From);
            index = index >= 0 ? index : source.FindIndex(c => string.Equals(c.Name, column.From, StringComparison.OrdinalIgnoreCase));
            var from = index >= 0 ? source[index] : throw new ActivationException($"Activation '{activation.Name}' ({activation.Location}): field '{column.Field}' takes result column '{column.From}', which the result does not have. Result columns: {string.Join(", ", source.Select(c => c.Name))}.");
            var resultType = DuckDbTypeMapping.FromTypeName(from.Type);
            var cast = column.Cast ?? (destinationTypes.TryGetValue(column.Field, out var existing) && existing != resultType ? existing : null);
            var value = $"q.{Q(from.Name)}";
            if (cast is null)
            {
                select.Add($"{value} AS {Q(column.Field)}");
                continue;
            }

            var original = "_nagare_source_" + originals.Count.ToString(CultureInfo.InvariantCulture);
            originals.Add((column.Field, original, cast));
            select.Add($"TRY_CAST({value} AS {DuckDbTypeMapping.TypeName(cast)}) AS {Q(column.Field)}");
            select.Add($"{value} AS {Q(original)}");
        }

        var fields = mapping.Select(c => Q(c.Field)).ToList();
        db.ExecuteNonQuery($"""
            CREATE OR REPLACE TABLE {result} AS
            SELECT m.*, hash({string.Join(", ", fields.Select(f => "m." + f))}) AS {Hash}
            FROM (SELECT {string.Join(", ", select)} FROM ({sql.TrimEnd().TrimEnd(';')}) AS q) AS m
            """);
        var described = Describe(db, $"SELECT {string.Join(", ", fields)} FROM {result}", activation.Name, "the result");
        var columns = described.Select(c => new ColumnSchema(c.Name, DuckDbTypeMapping.FromTypeName(c.Type), Nullable: true, NativeType: c.Type)).ToImmutableArray();
        var diff = new ActivationDiff(db, work, activation, columns, [.. described.Select(c => c.Type)]);
        foreach (var (field, original, type) in originals)
        {
            var failed = diff.FirstRecord(db, $"{Q(original)} IS NOT NULL AND {Q(field)} IS NULL", $"CAST({Q(original)} AS VARCHAR)");
            if (failed is { } record)
            {
                throw new ActivationException($"Activation '{activation.Name}': record {record.Key}: field '{field}' cannot be converted to {type}: '{record.Extra}'.")
                {
                    Hint = "Fix the value in the result, or convert it in the query (a cast: on the column changes the type sent).",
                };
            }
        }

        diff.CheckKeyFields();
        return diff;
    }

    /// <summary>Detaches the run's in-memory database (the result goes with it).</summary>
    public void Dispose()
    {
        try
        {
            _db.ExecuteNonQuery($"DETACH DATABASE IF EXISTS {Q(_work)}");
        }
        catch (DuckDbException)
        {
            // A connection DuckDB has invalidated cannot detach; the database goes when the warehouse closes. Throwing
            // here would hide the error that got the run here.
        }
    }

    /// <summary>Compares the result with the snapshot and counts (and samples) what a run sends; writes only temporary tables.</summary>
    public ActivationPlan Plan(bool full, int sampleSize, bool onlyRejected = false)
    {
        _fingerprint = Fingerprint();
        _firstRun = full || Key.IsEmpty || !SnapshotMatches();
        var keys = Names(Key);
        var snapshot = _firstRun
            ? $"(SELECT {(Key.IsEmpty ? string.Empty : keys + ", ")}CAST(NULL AS UBIGINT) AS {Hash} FROM {Result} WHERE false)"
            : SnapshotTable;
        var match = Key.IsEmpty ? "false" : string.Join(" AND ", Key.Select(k => $"r.{Q(k)} = s.{Q(k)}"));
        var changed = Mode == ActivationMode.Insert ? $"s.{Hash} IS NULL" : $"s.{Hash} IS NULL OR s.{Hash} <> r.{Hash}";
        _db.ExecuteNonQuery(_firstRun && !onlyRejected
            // Against no snapshot every record is an insert: a view over the result rather than a copy of it, which
            // cost a third of the warehouse's work on a first run of a million records.
            ? $"CREATE OR REPLACE TEMP VIEW {Changes} AS SELECT r.*, 'insert' AS {Op} FROM {Result} AS r"
            : $"""
                CREATE OR REPLACE TEMP TABLE {Changes} AS
                SELECT r.*, CASE WHEN s.{Hash} IS NULL THEN 'insert' ELSE 'update' END AS {Op}
                FROM {Result} AS r LEFT JOIN {snapshot} AS s ON {match}
                WHERE {changed}
                """);
        var deletes = Mode is ActivationMode.Mirror or ActivationMode.Changes or ActivationMode.Replace or ActivationMode.Full && !Key.IsEmpty && _activation.Destination.CountsDeletes;
        _db.ExecuteNonQuery(Key.IsEmpty
            ? $"CREATE OR REPLACE TEMP TABLE {Deletes} AS SELECT 1 AS none WHERE false"
            : $"""
                CREATE OR REPLACE TEMP TABLE {Deletes} AS
                SELECT {Names(Key, "s")} FROM {snapshot} AS s
                WHERE {(deletes ? "true" : "false")} AND NOT EXISTS (SELECT 1 FROM {Result} AS r WHERE {match})
                """);
        if (onlyRejected)
        {
            KeepOnlyRejected();
        }

        long resultRows, inserts, updates, deleted;
        using (var command = _db.CreateCommand())
        {
            command.CommandText = $"SELECT (SELECT count(*) FROM {Result}), count(*) FILTER (WHERE {Op} = 'insert'), count(*) FILTER (WHERE {Op} = 'update'), (SELECT count(*) FROM {Deletes}) FROM {Changes}";
            using var reader = command.ExecuteReader();
            reader.Read();
            (resultRows, inserts, updates, deleted) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        var sendsAll = Mode is ActivationMode.Replace or ActivationMode.Full && !onlyRejected && (_firstRun || inserts + updates + deleted > 0);
        var order = Key.IsEmpty ? string.Empty : $" ORDER BY {keys}";
        var samples = ImmutableSortedDictionary.CreateBuilder<string, ImmutableArray<ImmutableSortedDictionary<string, string?>>>(StringComparer.Ordinal);
        if (sampleSize == 0)
        {
            // A run shows no samples: three sorted scans saved.
            samples["insert"] = samples["update"] = samples["delete"] = [];
        }
        else
        {
            samples["insert"] = Sample($"SELECT {Names(Columns.Select(c => c.Name))} FROM {Changes} WHERE {Op} = 'insert'{order} LIMIT {sampleSize}");
            samples["update"] = Sample($"SELECT {Names(Columns.Select(c => c.Name))} FROM {Changes} WHERE {Op} = 'update'{order} LIMIT {sampleSize}");
            samples["delete"] = Key.IsEmpty ? [] : Sample($"SELECT {keys} FROM {Deletes}{order} LIMIT {sampleSize}");
        }

        return new ActivationPlan(
            Name,
            _activation.Destination.Display,
            Mode.ToString().ToLowerInvariant(),
            resultRows,
            inserts,
            updates,
            deleted,
            resultRows - inserts - updates,
            sendsAll,
            _firstRun,
            samples.ToImmutable());
    }

    public ImmutableArray<ColumnSchema> ColumnsOf(ActivationRecords records) => records switch
    {
        ActivationRecords.DeletedKeys => [.. Key.Select(k => Columns.First(c => c.Name == k))],
        ActivationRecords.ChangesWithDeletes => [.. Columns, new ColumnSchema("_op", ColumnType.String)],
        _ => Columns,
    };

    public async Task<long> ReadAsync(ActivationRecords records, Func<ColumnBatch, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        var columns = ColumnsOf(records);
        using var command = _db.CreateCommand();
        command.CommandText = Query(records);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var batches = new DuckDbBatchReader(reader, columns);
            var batch = new ColumnBatch(columns);
            long rows = 0;
            while (batches.Fill(batch))
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows += batch.RowCount;
                await consume(batch, cancellationToken).ConfigureAwait(false);
            }

            return rows;
        }
    }

    public string DescribeRecord(ActivationRecords records, long row)
    {
        using var command = _db.CreateCommand();
        command.CommandText = $"SELECT * FROM ({Query(records)}) LIMIT 1 OFFSET {Math.Max(0, row - 1).ToString(CultureInfo.InvariantCulture)}";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return $"#{row}";
        }

        var names = Key.IsEmpty ? Columns.Select(c => c.Name).Take(3).ToList() : [.. Key];
        return string.Join(", ", names.Select(n => $"{n}={ValueFormat.Format(reader.GetValue(reader.GetOrdinal(n)))}"));
    }

    /// <summary>
    /// Records what the destination now holds, in one warehouse transaction: the whole result after a first run or a
    /// replacement, else the changed records' hashes (and, for modes that delete, the deleted keys removed).
    /// </summary>
    public void SaveSnapshot(ActivationPlan plan, ActivationReceipts? receipts = null, ActivationRunStamp? stamp = null)
    {
        if (Key.IsEmpty)
        {
            return;
        }

        using var transaction = _db.BeginTransaction();
        WriteSnapshot(_db, plan, receipts, stamp);
        transaction.Commit();
    }

    /// <summary>Whether the snapshot <paramref name="plan"/> leaves is the whole result (so another connection can write it: it reads nothing of this connection's temporary tables).</summary>
    private bool SnapshotIsWholeResult(ActivationPlan plan) => _firstRun || plan.SendsAll;

    /// <summary>The statements of <see cref="SaveSnapshot"/>, in the caller's transaction on <paramref name="db"/>.</summary>
    private void WriteSnapshot(DuckDbConnection db, ActivationPlan plan, ActivationReceipts? receipts, ActivationRunStamp? stamp)
    {
        var keys = Names(Key);
        var match = string.Join(" AND ", Key.Select(k => $"s.{Q(k)} = c.{Q(k)}"));
        // A destination that confirms record by record advances the snapshot by exactly the records it confirmed (its
        // receipts are kept in this connection's temporary tables).
        Debug.Assert(receipts is null || db == _db, "receipts are written on the run's own connection");
        var confirmed = receipts is { AllConfirmed: false } ? LoadConfirmed(receipts) : string.Empty;
        db.ExecuteNonQuery($"CREATE SCHEMA IF NOT EXISTS {Q(Schema)}");
        db.ExecuteNonQuery($"CREATE TABLE IF NOT EXISTS {Q(Schema)}.state (activation VARCHAR, fingerprint VARCHAR, delivered_at TIMESTAMP WITH TIME ZONE, result_rows BIGINT)");
        if (SnapshotIsWholeResult(plan))
        {
            db.ExecuteNonQuery($"CREATE OR REPLACE TABLE {SnapshotTable} AS SELECT {keys}, {Hash} FROM {Result} AS c WHERE true{confirmed}");
        }
        else
        {
            if (plan.Inserts + plan.Updates > 0)
            {
                db.ExecuteNonQuery($"DELETE FROM {SnapshotTable} AS s USING {Changes} AS c WHERE {match}{confirmed}");
                db.ExecuteNonQuery($"INSERT INTO {SnapshotTable} ({keys}, {Hash}) SELECT {keys}, {Hash} FROM {Changes} AS c WHERE true{confirmed}");
            }

            if (plan.Deletes > 0)
            {
                db.ExecuteNonQuery($"DELETE FROM {SnapshotTable} AS s USING {Deletes} AS c WHERE {match}{confirmed}");
            }
        }

        using (var command = db.CreateCommand())
        {
            command.CommandText = $"DELETE FROM {Q(Schema)}.state WHERE activation = $1; INSERT INTO {Q(Schema)}.state VALUES ($1, $2, now(), $3)";
            command.Parameters.AddPositional(Name);
            command.Parameters.AddPositional(_fingerprint);
            command.Parameters.AddPositional(plan.ResultRows);
            command.ExecuteNonQuery();
        }

        if (receipts is not null)
        {
            SaveReceipts(plan, receipts, stamp ?? new ActivationRunStamp(0, DateTimeOffset.UnixEpoch));
        }
    }

    /// <summary>Forgets what was delivered (the next run sends everything again).</summary>
    public static void Forget(DuckDbConnection db, string activation)
    {
        if (db.ExecuteScalar<long>($"SELECT count(*) FROM duckdb_tables() WHERE schema_name = {DuckDbDialect.Literal(Schema)} AND table_name = 'state'") > 0)
        {
            db.ExecuteNonQuery($"DELETE FROM {Q(Schema)}.state WHERE activation = {DuckDbDialect.Literal(activation)}");
        }
    }

    private string Query(ActivationRecords records)
    {
        var fields = string.Join(", ", Columns.Select((c, i) => Read(Q(c.Name), c, i)));
        return records switch
        {
            ActivationRecords.All => $"SELECT {fields} FROM {Result}",
            ActivationRecords.Changes => $"SELECT {fields} FROM {Changes}",
            ActivationRecords.DeletedKeys => $"SELECT {string.Join(", ", ColumnsOf(records).Select(c => Read(Q(c.Name), c, Columns.IndexOf(c))))} FROM {Deletes}",
            _ => $"""
                SELECT {fields}, {Op} AS _op FROM {Changes}
                UNION ALL
                SELECT {string.Join(", ", Columns.Select((c, i) => Key.Contains(c.Name) ? Read(Q(c.Name), c, i) : $"CAST(NULL AS {DuckDbTypeMapping.TypeName(c.Type)})"))}, 'delete' FROM {Deletes}
                """,
        };
    }

    /// <summary>A field as the batch reader takes it: cast where DuckDB's type is not the canonical type's spelling.</summary>
    private string Read(string expression, ColumnSchema column, int index) =>
        DuckDbTypeMapping.NeedsCast(_natives[index], column.Type) ? $"CAST({expression} AS {DuckDbTypeMapping.TypeName(column.Type)}) AS {Q(column.Name)}" : expression;

    private void CheckKeyFields()
    {
        foreach (var key in Key)
        {
            if (Columns.All(c => c.Name != key))
            {
                throw new ActivationException($"Activation '{Name}': key field '{key}' is not a field of the result ({string.Join(", ", Columns.Select(c => c.Name))}).");
            }
        }
    }

    /// <summary>Every record has its whole key, and no key appears twice; on <paramref name="db"/> (the run's connection when null).</summary>
    public void CheckKeyValues(DuckDbConnection? db = null)
    {
        db ??= _db;
        if (Key.IsEmpty)
        {
            return;
        }

        if (FirstRecord(db, string.Join(" OR ", Key.Select(k => $"{Q(k)} IS NULL")), null) is { } missing)
        {
            throw new ActivationException($"Activation '{Name}': record {missing.Key} has no value in a key field; every record needs its whole key ({string.Join(", ", Key)}).");
        }

        using var command = db.CreateCommand();
        command.CommandText = $"SELECT {Names(Key)}, count(*) FROM {Result} GROUP BY ALL HAVING count(*) > 1 LIMIT 1";
        using var reader = command.ExecuteReader();
        if (reader.Read())
        {
            var key = string.Join(", ", Key.Select((k, i) => $"{k}={ValueFormat.Format(reader.GetValue(i))}"));
            throw new ActivationException($"Activation '{Name}': key {key} appears {reader.GetInt64(Key.Length)} times in the result; a key must identify one record.")
            {
                Hint = $"Make ({string.Join(", ", Key)}) unique in the query (GROUP BY, DISTINCT ON), or choose another key.",
            };
        }
    }

    /// <summary>The first record matching <paramref name="where"/>: its key as text, and <paramref name="extra"/>'s value.</summary>
    private (string Key, string Extra)? FirstRecord(DuckDbConnection db, string where, string? extra)
    {
        ImmutableArray<string>? names = Key.IsEmpty ? null : Key;
        using var command = db.CreateCommand();
        var keyList = names is null ? "rowid + 1" : Names(names.Value);
        command.CommandText = $"SELECT {keyList}{(extra is null ? string.Empty : ", " + extra)} FROM {Result} WHERE {where} LIMIT 1";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var key = names is null
            ? $"#{ValueFormat.Format(reader.GetValue(0))} of the result (no key)"
            : string.Join(", ", names.Value.Select((k, i) => $"{k}={(reader.IsDBNull(i) ? "NULL" : ValueFormat.Format(reader.GetValue(i)))}"));
        var count = names?.Length ?? 1;
        return (key, extra is null ? string.Empty : ValueFormat.Format(reader.GetValue(count)));
    }

    private bool SnapshotMatches()
    {
        var tables = _db.ExecuteScalar<long>(
            $"SELECT count(*) FROM duckdb_tables() WHERE schema_name = {DuckDbDialect.Literal(Schema)} AND table_name IN ('state', {DuckDbDialect.Literal(Name + "__snapshot")})");
        if (tables < 2)
        {
            return false;
        }

        using var command = _db.CreateCommand();
        command.CommandText = $"SELECT fingerprint FROM {Q(Schema)}.state WHERE activation = $1";
        command.Parameters.AddPositional(Name);
        return command.ExecuteScalar() is string stored && stored == _fingerprint;
    }

    /// <summary>What the snapshot's hashes mean: another destination, other fields, types or key start over.</summary>
    private string Fingerprint()
    {
        var text = new StringBuilder(_activation.Destination.Identity).Append('|');
        foreach (var column in Columns)
        {
            text.Append(column.Name).Append(':').Append(column.Type).Append(';');
        }

        text.Append('|').AppendJoin(",", Key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private ImmutableArray<ImmutableSortedDictionary<string, string?>> Sample(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = ImmutableArray.CreateBuilder<ImmutableSortedDictionary<string, string?>>();
        while (reader.Read())
        {
            var row = ImmutableSortedDictionary.CreateBuilder<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : ValueFormat.Format(reader.GetValue(i));
            }

            rows.Add(row.ToImmutable());
        }

        return rows.ToImmutable();
    }

    private static List<(string Name, string Type)> Describe(DuckDbConnection db, string sql, string activation, string what)
    {
        try
        {
            using var command = db.CreateCommand();
            command.CommandText = "DESCRIBE " + sql;
            using var reader = command.ExecuteReader();
            var columns = new List<(string, string)>();
            while (reader.Read())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }

            return columns;
        }
        catch (DuckDbException e)
        {
            throw new ActivationException($"Activation '{activation}': {what} fails in the warehouse: {e.Message}", e);
        }
    }

    private static string Names(IEnumerable<string> names, string? alias = null) =>
        string.Join(", ", names.Select(n => (alias is null ? string.Empty : alias + ".") + Q(n)));

    private static string Q(string identifier) => DuckDbDialect.Quote(identifier);
}
