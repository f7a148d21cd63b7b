using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Sqlite;

/// <summary>
/// A SQLite database file as source and destination (Microsoft.Data.Sqlite, pooled connections). Streams are
/// the tables and views of the <c>main</c> database. Sync state lives in <c>_nagare_sync_state</c> of the same
/// file and commits in the same transaction as the rows.
/// </summary>
public sealed class SqliteFileConnection : ISource, IStreamStateStore, ISqlStatements
{
    /// <summary>The table holding sync state.</summary>
    public const string StateTable = "_nagare_sync_state";

    /// <summary>Suffix of the staging table of a full refresh or merge.</summary>
    public const string StagingSuffix = "__nagare_staging";

    /// <summary>The namespace of every stream: SQLite's main database.</summary>
    public const string MainSchema = "main";

    private const string CatalogQuery = """
        SELECT m.name, p.name, p.type, p."notnull", p.pk
        FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p
        WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
          AND m.name NOT LIKE '\_nagare\_%' ESCAPE '\' AND m.name NOT LIKE '%\_\_nagare\_staging' ESCAPE '\'
        """;

    private static readonly IReadOnlySet<WriteMode> Modes = new HashSet<WriteMode> { WriteMode.FullRefresh, WriteMode.Append, WriteMode.Incremental, WriteMode.Merge };

    private readonly string _connectionString;
    private int _stateReady;

    /// <summary>Creates the connection; nothing is opened until first use.</summary>
    public SqliteFileConnection(string name, SqliteConnectorOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The options the connection was created with.</summary>
    public SqliteConnectorOptions Options { get; }

    /// <inheritdoc/>
    public ConnectorCapabilities Capabilities { get; } = new("sqlite", IsSource: true, IsDestination: true, Modes, SupportsFilterPushdown: true, SupportsCastOnRead: true)
    {
        SupportsScopedWrites = true,
    };

    /// <inheritdoc/>
    public ISqlDialect Dialect => SqliteDialect.Instance;

    /// <inheritdoc/>
    public async Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        var version = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return new ConnectionTestResult("SQLite " + version, new Dictionary<string, string> { ["path"] = Options.Path });
    }

    /// <summary>A new (pooled) connection to the file; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConnectorException($"Cannot open SQLite database '{Options.Path}' of connection {Name}: {e.Message}", e) { Connection = Name };
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Namespaces is { Count: > 0 } namespaces && !namespaces.Contains(MainSchema))
        {
            yield break;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = CatalogQuery + " ORDER BY m.name, p.cid";
        List<StreamSchema> streams;
        try
        {
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            streams = ReadCatalog(reader);
        }
        catch (SqliteException e)
        {
            throw new ConnectorException($"Cannot list the tables of {Name}: {e.Message}", e) { Connection = Name };
        }

        foreach (var stream in streams)
        {
            yield return stream;
        }
    }

    /// <inheritdoc/>
    public async Task<StreamSchema?> DescribeAsync(StreamId table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return Describe(connection, null, table);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var columns = request.EffectiveColumns;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = SelectSql(request, columns, command);
        SqliteDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new ConnectorException($"Cannot read {request.Stream.Id} of {Name}: {e.Message}", e) { Connection = Name, Stream = request.Stream.Id.ToString() };
        }

        await using (reader.ConfigureAwait(false))
        {
            var batch = new ColumnBatch(columns, request.Limit is { } limit ? Math.Clamp(limit, 1, request.BatchSize) : request.BatchSize);
            long rowNumber = 0;
            while (true)
            {
                batch.Reset();
                batch.FirstRowNumber = rowNumber + 1;
                batch.Origin = request.Stream.Id.ToString();
                var row = 0;
                while (row < batch.Capacity && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    for (var c = 0; c < columns.Length; c++)
                    {
                        try
                        {
                            SqliteValues.Read(reader, c, batch.Columns[c], row);
                        }
                        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or System.Text.Json.JsonException)
                        {
                            throw new ConnectorException(
                                $"Cannot read column \"{columns[c].Name}\" of {request.Stream.Id} row {rowNumber + row + 1} as {columns[c].Type}: {e.Message}", e)
                            {
                                Connection = Name,
                                Stream = request.Stream.Id.ToString(),
                            };
                        }
                    }

                    row++;
                }

                if (row == 0)
                {
                    yield break;
                }

                batch.RowCount = row;
                rowNumber += row;
                yield return batch;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureStateTable(connection);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT state_json FROM {StateTable} WHERE sync_name = $sync AND state_key = $key";
        command.Parameters.AddWithValue("$sync", syncName);
        command.Parameters.AddWithValue("$key", stream);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? StreamStateJson.Deserialize(json) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureStateTable(connection);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT state_key, state_json, updated_at FROM {StateTable} WHERE sync_name = $sync ORDER BY state_key";
        command.Parameters.AddWithValue("$sync", syncName);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var states = new List<StoredStreamState>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var updated = DateTimeOffset.TryParse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
            states.Add(new StoredStreamState(reader.GetString(0), StreamStateJson.Deserialize(reader.GetString(1)), updated));
        }

        return states;
    }

    /// <inheritdoc/>
    public async Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        EnsureStateTable(connection);
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {StateTable} WHERE sync_name = $sync AND state_key = $key";
        command.Parameters.AddWithValue("$sync", syncName);
        command.Parameters.AddWithValue("$key", stream);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ProblemFor(Capabilities) is { } problem)
        {
            throw new ConnectorException(problem) { Connection = Name, Stream = request.Target.ToString() };
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureStateTable(connection);
            return SqliteStreamWriter.Open(this, connection, request);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The table as it is on <paramref name="connection"/> (inside its transaction), or null.</summary>
    internal StreamSchema? Describe(SqliteConnection connection, SqliteTransaction? transaction, StreamId table)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT m.name, p.name, p.type, p."notnull", p.pk
            FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p
            WHERE m.type IN ('table', 'view') AND m.name = $name ORDER BY p.cid
            """;
        command.Parameters.AddWithValue("$name", table.Name);
        try
        {
            using var reader = command.ExecuteReader();
            var streams = ReadCatalog(reader);
            return streams.Count == 0 ? null : streams[0];
        }
        catch (SqliteException e)
        {
            throw new ConnectorException($"Cannot describe {table} of {Name}: {e.Message}", e) { Connection = Name, Stream = table.ToString() };
        }
    }

    private void EnsureStateTable(SqliteConnection connection)
    {
        if (Options.ReadOnly || Volatile.Read(ref _stateReady) == 1)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS {StateTable} (
                sync_name TEXT NOT NULL, state_key TEXT NOT NULL, state_json TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (sync_name, state_key))
            """;
        command.ExecuteNonQuery();
        Volatile.Write(ref _stateReady, 1);
    }

    private static List<StreamSchema> ReadCatalog(SqliteDataReader reader)
    {
        var streams = new List<StreamSchema>();
        string? table = null;
        var columns = ImmutableArray.CreateBuilder<ColumnSchema>();
        var keys = new SortedList<long, string>();
        void Flush()
        {
            if (table is null)
            {
                return;
            }

            var built = columns.ToImmutable();
            streams.Add(new StreamSchema(
                new StreamId(MainSchema, table), built, [.. keys.Values],
                [.. built.Where(c => c.Type.IsInteger || c.Type.Kind is ColumnKind.Decimal or ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz).Select(c => c.Name)]));
            columns.Clear();
            keys.Clear();
        }

        while (reader.Read())
        {
            var name = reader.GetString(0);
            if (name != table)
            {
                Flush();
                table = name;
            }

            var declared = reader.IsDBNull(2) ? "" : reader.GetString(2);
            var column = reader.GetString(1);
            columns.Add(new ColumnSchema(column, SqliteDialect.FromDeclaredType(declared), reader.GetInt64(3) == 0, declared));
            if (reader.GetInt64(4) is > 0 and var position)
            {
                keys[position] = column;
            }
        }

        Flush();
        return streams;
    }

    private static string SelectSql(ReadRequest request, ImmutableArray<ColumnSchema> columns, SqliteCommand command)
    {
        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", columns.Select(c => DuckDbDialect.Quote(c.Name)));
        sql.Append(" FROM ");
        sql.Append(request.CustomSql is { } custom ? "(" + custom + ") AS nagare_query" : DuckDbDialect.Quote(request.Stream.Id.Name));
        var conditions = new List<string>();
        if (request.Filter is { } filter)
        {
            conditions.Add("(" + filter + ")");
        }

        if (request.Cursor is { After: { } after } cursor)
        {
            conditions.Add($"{Comparable(cursor.Column, request.Stream)} > $cursor");
            command.Parameters.AddWithValue("$cursor", Parameter(after, request.Stream.Find(cursor.Column)?.Type));
        }

        if (request.Range is { } range)
        {
            var column = Comparable(range.Column, request.Stream);
            var type = request.Stream.Find(range.Column)?.Type;
            if (range.From is { } from)
            {
                conditions.Add($"{column} >= $from");
                command.Parameters.AddWithValue("$from", Parameter(from, type));
            }

            if (range.To is { } to)
            {
                conditions.Add(range.From is null ? $"({column} < $to OR {column} IS NULL)" : $"{column} < $to");
                command.Parameters.AddWithValue("$to", Parameter(to, type));
            }
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        if (request.Cursor is { } ordered)
        {
            sql.Append(" ORDER BY ").Append(Comparable(ordered.Column, request.Stream));
        }

        if (request.Limit is { } limit)
        {
            sql.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        return sql.ToString();
    }

    /// <summary>A column for comparisons: decimals are stored as text, so they compare as numbers through a cast.</summary>
    private static string Comparable(string column, StreamSchema stream) =>
        stream.Find(column)?.Type.Kind == ColumnKind.Decimal ? $"CAST({DuckDbDialect.Quote(column)} AS REAL)" : DuckDbDialect.Quote(column);

    /// <summary>A cursor or key value in the stored form of its column, so comparisons in SQLite match.</summary>
    private static object Parameter(object value, ColumnType? type)
    {
        if (type is null)
        {
            return value;
        }

        if (type.Kind == ColumnKind.Decimal)
        {
            return value is DecimalValue exact ? exact.ToDouble() : Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }

        var vector = ColumnVector.Create(type, 1);
        try
        {
            vector.SetBoxed(0, value);
        }
        catch (InvalidCastException)
        {
            return value;
        }

        return SqliteValues.Writer(type, message => new ConnectorException(message))(vector, 0);
    }

    /// <inheritdoc/>
    public async Task<long> ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Common.SqlStatements.ExecuteAsync(connection, sql, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> QueryColumnAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Common.SqlStatements.QueryColumnAsync(connection, sql, limit, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<T> ReadQueryAsync<T>(string sql, Func<System.Data.Common.DbDataReader, CancellationToken, Task<T>> consume, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Common.SqlStatements.ReadQueryAsync(connection, sql, consume, Name, cancellationToken).ConfigureAwait(false);
    }
}
