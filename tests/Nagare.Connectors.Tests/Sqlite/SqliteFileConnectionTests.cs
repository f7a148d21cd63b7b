using System.Collections.Immutable;
using Microsoft.Data.Sqlite;
using Nagare.Connectors.Sqlite;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Sqlite;

public sealed class SqliteFileConnectionTests : IAsyncLifetime
{
    private static readonly ImmutableArray<ColumnSchema> Columns =
        [new("id", ColumnType.Int64, false), new("name", ColumnType.String), new("amount", ColumnType.Decimal(38, 10))];

    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-sqlite-").FullName;
    private SqliteFileConnection _database = null!;

    public Task InitializeAsync()
    {
        _database = new SqliteFileConnection("app", new SqliteConnectorOptions(Path.Combine(_folder, "app.db")));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Write_DecimalsAndInstants_StoredAsExactText()
    {
        ImmutableArray<ColumnSchema> columns = [.. Columns, new("at", ColumnType.TimestampTz)];
        var at = new DateTimeOffset(2024, 5, 1, 22, 45, 0, TimeSpan.FromHours(9)).AddTicks(1234560);

        await WriteAsync("ledger", WriteMode.FullRefresh, [[1L, "a", 123456789012345678.0123456789m, at]], columns);

        Assert.Equal("text|123456789012345678.0123456789|2024-05-01T13:45:00.123456Z", Scalar(
            "SELECT typeof(amount) || '|' || amount || '|' || \"at\" FROM ledger"));
    }

    [Fact]
    public async Task Discover_TablesOfOtherTools_MapsDeclaredTypes()
    {
        Scalar("""
            CREATE TABLE legacy (id INTEGER PRIMARY KEY, code VARCHAR(40), price NUMERIC(10,2), score REAL, flag BOOLEAN,
                                 born DATE, seen DATETIME, doc JSON, raw BLOB, anything, ratio NUMERIC);
            SELECT 1
            """);

        var streams = new List<StreamSchema>();
        await foreach (var stream in _database.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            streams.Add(stream);
        }

        var legacy = Assert.Single(streams);
        Assert.Equal(new StreamId("main", "legacy"), legacy.Id);
        Assert.Equal(["id"], legacy.PrimaryKey.ToArray());
        Assert.Equal(
            ["int64", "string", "decimal(10,2)", "float64", "boolean", "date", "timestamp", "json", "bytes", "string", "float64"],
            legacy.Columns.Select(c => c.Type.ToString()));
        Assert.Equal("VARCHAR(40)", legacy.Columns[1].NativeType);
    }

    [Fact]
    public async Task Append_WiderIntegerColumn_RebuildsTableKeepingKeyAndRows()
    {
        ImmutableArray<ColumnSchema> narrow = [new("id", ColumnType.Int64, false), new("qty", ColumnType.Int32)];
        await WriteAsync("stock", WriteMode.Merge, [[1L, 5]], narrow);
        ImmutableArray<ColumnSchema> wide = [new("id", ColumnType.Int64, false), new("qty", ColumnType.Int64)];

        await WriteAsync("stock", WriteMode.Append, [[2L, 5_000_000_000L]], wide);

        var described = await _database.DescribeAsync(new StreamId("main", "stock"), CancellationToken.None);
        Assert.Equal("int64", described!.Columns[1].Type.ToString());
        Assert.Equal(["id"], described.PrimaryKey.ToArray());
        Assert.Equal("1:5|2:5000000000", Scalar("SELECT group_concat(id || ':' || qty, '|') FROM (SELECT * FROM stock ORDER BY id)"));
    }

    [Fact]
    public async Task Merge_DuplicateKeysAndHardDeletes_CountsEachOnce()
    {
        await WriteAsync("accounts", WriteMode.Merge, [[1L, "a", 1m], [2L, "b", 2m], [3L, "c", 3m]]);

        var result = await WriteAsync("accounts", WriteMode.Merge, [[2L, "b1", 2m], [2L, "b2", 2.5m], [4L, "d", 4m], [1L, "a1", 1m]], deletes: DeleteDetection.Hard);

        Assert.Equal((4L, 1L, 2L, 1L), (result.RowsWritten, result.RowsInserted, result.RowsUpdated, result.RowsDeleted));
        Assert.Equal("1:a1|2:b2|4:d", Scalar("SELECT group_concat(id || ':' || name, '|') FROM (SELECT * FROM accounts ORDER BY id)"));
    }

    [Fact]
    public async Task Read_CursorOnDecimalColumn_ComparesNumbers()
    {
        await WriteAsync("prices", WriteMode.FullRefresh, [[1L, "a", 9.5m], [2L, "b", 10.25m], [3L, "c", 100m]]);
        var stream = (await _database.DescribeAsync(new StreamId("main", "prices"), CancellationToken.None))!;

        var ids = new List<long>();
        await foreach (var batch in _database.ReadAsync(new ReadRequest(stream, [], Cursor: new CursorRange("amount", 9.75m)), CancellationToken.None))
        {
            ids.AddRange(ComplianceData.Rows(batch).Select(r => (long)r[0]!));
        }

        Assert.Equal([2L, 3L], ids);
    }

    [Fact]
    public async Task Read_TextThatIsNotADate_ThrowsNamingColumnAndRow()
    {
        Scalar("CREATE TABLE odd (id INTEGER, born DATE); INSERT INTO odd VALUES (1, '2024-01-02'), (2, 'yesterday'); SELECT 1");
        var stream = (await _database.DescribeAsync(new StreamId("main", "odd"), CancellationToken.None))!;

        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var batch in _database.ReadAsync(new ReadRequest(stream, []), CancellationToken.None))
            {
                Assert.Equal(1, batch.RowCount);
            }
        });

        Assert.Contains("column \"born\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_LimitBeforeRowsThatCannotBeRead_ReadsNoRowPastTheLimit()
    {
        Scalar("CREATE TABLE odd (id INTEGER, born DATE); INSERT INTO odd VALUES (1, '2024-01-02'), (2, '2024-01-03'), (3, 'yesterday'); SELECT 1");
        var stream = (await _database.DescribeAsync(new StreamId("main", "odd"), CancellationToken.None))!;

        var rows = new List<object?[]>();
        await foreach (var batch in _database.ReadAsync(new ReadRequest(stream, [], Limit: 2), CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        Assert.Equal([1L, 2L], rows.Select(r => r[0]));
        Assert.Equal(new DateOnly(2024, 1, 3), rows[1][1]);
    }

    private static WriteRequest Request(string table, WriteMode mode, ImmutableArray<ColumnSchema> columns, DeleteDetection deletes) =>
        new("nightly", table, new StreamId("main", table), columns, mode, ["id"], DeleteDetection: deletes);

    private async Task<WriteResult> WriteAsync(
        string table, WriteMode mode, IReadOnlyList<object?[]> rows, ImmutableArray<ColumnSchema>? columns = null, DeleteDetection deletes = DeleteDetection.None)
    {
        await using var writer = await _database.OpenWriterAsync(Request(table, mode, columns ?? Columns, deletes), CancellationToken.None);
        await writer.WriteAsync(ComplianceData.Batch(columns ?? Columns, rows), CancellationToken.None);
        return await writer.CommitAsync(null, CancellationToken.None);
    }

    private string? Scalar(string sql)
    {
        using var connection = _database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
