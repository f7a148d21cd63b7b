using System.Collections.Immutable;
using Nagare.Connectors.DuckDb;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.DuckDb;

public sealed class DuckDbWarehouseConnectionTests : IAsyncLifetime
{
    private static readonly ImmutableArray<ColumnSchema> Columns =
        [new("id", ColumnType.Int64, false), new("name", ColumnType.String), new("amount", ColumnType.Decimal(12, 2))];

    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-duckdb-").FullName;
    private DuckDbWarehouseConnection _warehouse = null!;

    private string DatabasePath => Path.Combine(_folder, "warehouse.duckdb");

    public Task InitializeAsync()
    {
        _warehouse = new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DatabasePath));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Open_ManyConnectionObjectsOfOneFileAtOnce_AllOpenAndCanWrite()
    {
        // The server opens the warehouse for a request while a sync opens it for its run: same process, same database.
        var warehouses = Enumerable.Range(0, 16).Select(_ => new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DatabasePath))).ToList();
        try
        {
            using var start = new Barrier(warehouses.Count);
            var opened = await Task.WhenAll(warehouses.Select(w => Task.Run(async () =>
            {
                start.SignalAndWait();
                await using var connection = await w.OpenAsync(CancellationToken.None);
                return connection.ExecuteScalar<long>("SELECT 1");
            })));

            Assert.All(opened, one => Assert.Equal(1L, one));
            await using (var writer = await warehouses[^1].OpenWriterAsync(Request("orders", WriteMode.FullRefresh), CancellationToken.None))
            {
                await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(1, 2)), CancellationToken.None);
                await writer.CommitAsync(null, CancellationToken.None);
            }

            Assert.Equal(2L, Scalar<long>("SELECT count(*) FROM lake.orders"));
        }
        finally
        {
            foreach (var warehouse in warehouses)
            {
                await warehouse.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ListStates_WhileAnotherConnectionCreatesTheStateSchema_AnswersWithoutConflictAndCreatesNothing()
    {
        // A sync starting on a new warehouse creates the state schema while the server lists a sync's states.
        await using var creator = await _warehouse.OpenAsync(CancellationToken.None);
        var transaction = creator.BeginTransaction();
        creator.ExecuteNonQuery($"CREATE SCHEMA {DuckDbWarehouseConnection.StateSchema}");
        await using var lister = new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DatabasePath));

        Assert.Empty(await lister.ListStatesAsync("sync", CancellationToken.None));

        transaction.Commit();
        Assert.Empty(await lister.ListStatesAsync("sync", CancellationToken.None));
        Assert.Equal(0L, Scalar<long>($"SELECT count(*) FROM duckdb_tables() WHERE schema_name = '{DuckDbWarehouseConnection.StateSchema}'"));
    }

    [Fact]
    public async Task FullRefresh_WriterDisposedWithoutCommit_KeepsOldTableAndLeavesNoStaging()
    {
        await WriteAsync("orders", WriteMode.FullRefresh, Rows(1, 2));

        await using (var writer = await _warehouse.OpenWriterAsync(Request("orders", WriteMode.FullRefresh), CancellationToken.None))
        {
            await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(7, 8, 9)), CancellationToken.None);
        }

        Assert.Equal("2|0", Scalar<string>(
            "SELECT (SELECT count(*) FROM lake.orders)::VARCHAR || '|' || (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%nagare_staging')::VARCHAR"));
    }

    [Fact]
    public async Task FullRefresh_WhileWriting_OtherConnectionsReadTheOldTableUntilCommit()
    {
        await WriteAsync("orders", WriteMode.FullRefresh, Rows(1, 2));

        await using (var writer = await _warehouse.OpenWriterAsync(Request("orders", WriteMode.FullRefresh), CancellationToken.None))
        {
            await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(3, 4, 5)), CancellationToken.None);
            await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(6, 7, 8)), CancellationToken.None);

            Assert.Equal("2|3", Scalar<string>("SELECT count(*) || '|' || sum(id) FROM lake.orders"));
            await writer.CommitAsync(null, CancellationToken.None);
        }

        Assert.Equal("6|33|0", Scalar<string>(
            "SELECT count(*) || '|' || sum(id) || '|' || (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%nagare_staging') FROM lake.orders"));
    }

    [Fact]
    public async Task FullRefresh_ValueTooLargeForColumn_ThrowsNamingTableRowsAndColumnAndKeepsOldTable()
    {
        await WriteAsync("orders", WriteMode.FullRefresh, Rows(1, 2));
        var batch = ComplianceData.Batch(Columns, [[3L, "n3", 1.5m], [4L, "n4", 12_345_678_901.5m]]);
        batch.Origin = "public.orders";
        batch.FirstRowNumber = 101;

        await using (var writer = await _warehouse.OpenWriterAsync(Request("orders", WriteMode.FullRefresh), CancellationToken.None))
        {
            // A stream of one batch is written when it commits (with other small streams).
            await writer.WriteAsync(batch, CancellationToken.None);
            var error = await Assert.ThrowsAsync<ConnectorException>(() => writer.CommitAsync(null, CancellationToken.None));

            Assert.Contains("\"amount\"", error.Message, StringComparison.Ordinal);
            Assert.Contains("lake.orders", error.Message, StringComparison.Ordinal);
            Assert.Contains("rows 101..102", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal("2|0", Scalar<string>(
            "SELECT (SELECT count(*) FROM lake.orders)::VARCHAR || '|' || (SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%nagare_staging')::VARCHAR"));
    }

    [Fact]
    public async Task FullRefresh_BadValueAfterTheWriterSwitchedToTheInsertFeed_NamesRowsAndKeepsOldTable()
    {
        await WriteAsync("orders", WriteMode.FullRefresh, Rows(1, 2));
        var good = DuckDbStreamWriter.FeedAfterRows + 5;
        await using (var writer = await _warehouse.OpenWriterAsync(Request("orders", WriteMode.FullRefresh), CancellationToken.None))
        {
            for (var first = 1; first <= good; first += 10_000)
            {
                var last = (int)Math.Min(good, first + 9_999);
                await writer.WriteAsync(ComplianceData.Batch(Columns, Rows([.. Enumerable.Range(first, last - first + 1)])), CancellationToken.None);
            }

            var batch = ComplianceData.Batch(Columns, [[-1L, "bad", 12_345_678_901.5m]]);
            batch.FirstRowNumber = good + 1;
            var error = await Assert.ThrowsAsync<ConnectorException>(() => writer.WriteAsync(batch, CancellationToken.None).AsTask());

            Assert.Contains("\"amount\"", error.Message, StringComparison.Ordinal);
            Assert.Contains($"rows {good + 1}..{good + 1}", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2L, Scalar<long>("SELECT count(*) FROM lake.orders"));
    }

    [Fact]
    public async Task SmallStreamsCommittedAtOnce_OneWithABadValue_FailsAloneAndTheOthersCommitWithTheirStates()
    {
        await WriteAsync("t_bad", WriteMode.FullRefresh, Rows(1, 2));
        var writers = new List<IStreamWriter>();
        for (var i = 0; i < 40; i++)
        {
            var writer = await _warehouse.OpenWriterAsync(Request($"t{i}", i % 2 == 0 ? WriteMode.FullRefresh : WriteMode.Append), CancellationToken.None);
            await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(i, i + 100)), CancellationToken.None);
            writers.Add(writer);
        }

        var bad = await _warehouse.OpenWriterAsync(Request("t_bad", WriteMode.FullRefresh), CancellationToken.None);
        await bad.WriteAsync(ComplianceData.Batch(Columns, [[3L, "n3", 12_345_678_901.5m]]), CancellationToken.None);
        writers.Insert(20, bad);

        var commits = writers.Select((w, i) => w.CommitAsync(new StreamState(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "id", [], ImmutableDictionary<string, string>.Empty), CancellationToken.None)).ToList();
        var error = await Assert.ThrowsAsync<ConnectorException>(() => commits[20]);
        Assert.Contains("\"amount\"", error.Message, StringComparison.Ordinal);
        Assert.All(commits.Where((_, i) => i != 20), c => Assert.Equal(2, c.Result.RowsWritten));
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }

        for (var i = 0; i < 40; i++)
        {
            Assert.Equal($"2|{(2 * i) + 100}", Scalar<string>($"SELECT count(*) || '|' || sum(id) FROM lake.t{i}"));
        }

        Assert.Equal("2|3", Scalar<string>("SELECT count(*) || '|' || sum(id) FROM lake.t_bad"));
        Assert.Equal("0", (await _warehouse.LoadStateAsync("nightly", "t0", CancellationToken.None))?.Cursor);
        Assert.Equal("40", (await _warehouse.LoadStateAsync("nightly", "t39", CancellationToken.None))?.Cursor);
        Assert.Null((await _warehouse.LoadStateAsync("nightly", "t_bad", CancellationToken.None))?.Cursor);
    }

    [Fact]
    public async Task Append_WriteCancelled_ThrowsCancelledAndCommitsNothing()
    {
        await WriteAsync("events", WriteMode.Append, Rows(1, 2));
        using var cancel = new CancellationTokenSource();

        await using (var writer = await _warehouse.OpenWriterAsync(Request("events", WriteMode.Append), CancellationToken.None))
        {
            await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(3, 4)), cancel.Token);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(ComplianceData.Batch(Columns, Rows(5)), cancel.Token).AsTask());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.CommitAsync(null, cancel.Token));
        }

        Assert.Equal(2, Scalar<long>("SELECT count(*) FROM lake.events"));
    }

    [Fact]
    public async Task Append_ManyBatches_KeepsRowsInTheOrderWritten()
    {
        await using (var writer = await _warehouse.OpenWriterAsync(Request("ordered", WriteMode.Append), CancellationToken.None))
        {
            for (var b = 0; b < 60; b++)
            {
                await writer.WriteAsync(ComplianceData.Batch(Columns, Rows([.. Enumerable.Range((b * 5000) + 1, 5000)])), CancellationToken.None);
            }

            Assert.Equal(300_000, (await writer.CommitAsync(null, CancellationToken.None)).RowsWritten);
        }

        Assert.Equal("300000|0", Scalar<string>("SELECT count(*) || '|' || count(*) FILTER (WHERE id <> rowid + 1) FROM lake.ordered"));
    }

    [Fact]
    public async Task Incremental_DatabaseReopenedAfterUncommittedWriter_HasNeitherRowsNorState()
    {
        var state = new StreamState("2", "id", [], ImmutableDictionary<string, string>.Empty);
        await WriteAsync("events", WriteMode.Incremental, Rows(1, 2), state);
        var writer = await _warehouse.OpenWriterAsync(Request("events", WriteMode.Incremental), CancellationToken.None);
        await writer.WriteAsync(ComplianceData.Batch(Columns, Rows(3, 4)), CancellationToken.None);

        // The process dies: nothing is committed and the database file is opened afresh.
        await writer.DisposeAsync();
        await _warehouse.DisposeAsync();
        _warehouse = new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DatabasePath));

        Assert.Equal(2, Scalar<long>("SELECT count(*) FROM lake.events"));
        Assert.Equal("2", (await _warehouse.LoadStateAsync("nightly", "events", CancellationToken.None))?.Cursor);
    }

    [Fact]
    public async Task Append_NewAndWiderColumns_AddsAndWidens()
    {
        ImmutableArray<ColumnSchema> narrow = [new("id", ColumnType.Int32, false), new("price", ColumnType.Decimal(10, 2)), new("ratio", ColumnType.Float32)];
        await WriteAsync("items", WriteMode.Append, [[1, 12345678.12m, 0.5f]], columns: narrow);
        ImmutableArray<ColumnSchema> wide =
            [new("id", ColumnType.Int64, false), new("price", ColumnType.Decimal(14, 4)), new("ratio", ColumnType.Float64), new("note", ColumnType.String)];

        await WriteAsync("items", WriteMode.Append, [[5_000_000_000L, 1234567890.1234m, 0.25, "new"]], columns: wide);

        var described = await _warehouse.DescribeAsync(new StreamId("lake", "items"), CancellationToken.None);
        Assert.Equal(["int64", "decimal(14,4)", "float64", "string"], described!.Columns.Select(c => c.Type.ToString()));
        Assert.Equal("1:12345678.1200:null|5000000000:1234567890.1234:new", Scalar<string>(
            "SELECT string_agg(id || ':' || price || ':' || coalesce(note, 'null'), '|' ORDER BY id) FROM lake.items"));
    }

    [Fact]
    public async Task Append_IncompatibleChange_ThrowsWithColumnTypesAndHintAndKeepsTable()
    {
        await WriteAsync("people", WriteMode.Append, Rows(1));
        ImmutableArray<ColumnSchema> changed = [Columns[0], Columns[1], new("amount", ColumnType.Date)];

        var error = await Assert.ThrowsAsync<SchemaChangeException>(() => WriteAsync("people", WriteMode.Append, [[2L, "x", new DateOnly(2024, 1, 1)]], columns: changed));

        Assert.Contains("'amount' is decimal(12,2) in the target but arrives as date", error.Message, StringComparison.Ordinal);
        Assert.Contains("full refresh", error.Hint, StringComparison.Ordinal);
        Assert.Equal(1, Scalar<long>("SELECT count(*) FROM lake.people"));
    }

    [Fact]
    public async Task Merge_DuplicatesAndSoftDeletes_CountsAndMarksRows()
    {
        await WriteAsync("accounts", WriteMode.Merge, Rows(1, 2, 3));

        var result = await WriteAsync("accounts", WriteMode.Merge, [[2L, "first", 1m], [2L, "second", 2m], [4L, "n4", 4.5m], [1L, "n1", 1.5m]], deletes: DeleteDetection.Soft);

        // Key 1 arrives with the values it has: left alone, counted as unchanged.
        Assert.Equal((4L, 1L, 1L, 1L, 1L), (result.RowsWritten, result.RowsInserted, result.RowsUpdated, result.RowsDeleted, result.RowsUnchanged));
        Assert.Equal("1:n1:false|2:second:false|3:n3:true|4:n4:false", Scalar<string>(
            "SELECT string_agg(id || ':' || name || ':' || (_deleted_at IS NOT NULL), '|' ORDER BY id) FROM lake.accounts"));
    }

    [Fact]
    public async Task FullRefresh_SoftDeleteIntoExistingTable_KeepsMissingRowsMarked()
    {
        await WriteAsync("products", WriteMode.FullRefresh, Rows(1, 2, 3));

        var result = await WriteAsync("products", WriteMode.FullRefresh, Rows(1, 3), deletes: DeleteDetection.Soft);

        Assert.Equal(1, result.RowsDeleted);
        Assert.Equal("1:false|2:true|3:false", Scalar<string>(
            "SELECT string_agg(id || ':' || (_deleted_at IS NOT NULL), '|' ORDER BY id) FROM lake.products"));
    }

    [Fact]
    public async Task WriteThenRead_100000Rows_AggregatesMatch()
    {
        ImmutableArray<ColumnSchema> columns =
            [new("id", ColumnType.Int64, false), new("amount", ColumnType.Decimal(18, 2)), new("at", ColumnType.TimestampTz), new("ref", ColumnType.Uuid), new("label", ColumnType.String)];
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var batch = new ColumnBatch(columns, 10_000);
        await using (var writer = await _warehouse.OpenWriterAsync(Request("big", WriteMode.FullRefresh, columns), CancellationToken.None))
        {
            for (var chunk = 0; chunk < 10; chunk++)
            {
                for (var r = 0; r < 10_000; r++)
                {
                    long id = (chunk * 10_000) + r + 1;
                    batch.Column<long>(0).Set(r, id);
                    batch.Column<Int128>(1).Set(r, id);
                    batch.Column<DateTimeOffset>(2).Set(r, start.AddTicks(id * 10));
                    batch.Column<Guid>(3).Set(r, new Guid((int)id, 0, 0, new byte[8]));
                    if (id % 10 == 0)
                    {
                        batch.Column<string?>(4).SetNull(r);
                    }
                    else
                    {
                        batch.Column<string?>(4).Set(r, "label " + id);
                    }
                }

                batch.RowCount = 10_000;
                await writer.WriteAsync(batch, CancellationToken.None);
            }

            Assert.Equal(100_000, (await writer.CommitAsync(null, CancellationToken.None)).RowsInserted);
        }

        Assert.Equal("100000|50000500.00|90000|1704067200100000", Scalar<string>(
            "SELECT count(*) || '|' || sum(amount) || '|' || count(label) || '|' || epoch_us(max(\"at\")) FROM lake.big"));

        var stream = (await _warehouse.DescribeAsync(new StreamId("lake", "big"), CancellationToken.None))!;
        long count = 0, idSum = 0, nulls = 0;
        Int128 amountSum = 0;
        var maxAt = DateTimeOffset.MinValue;
        await foreach (var read in _warehouse.ReadAsync(new ReadRequest(stream, []), CancellationToken.None))
        {
            for (var r = 0; r < read.RowCount; r++)
            {
                count++;
                idSum += read.Column<long>(0).Values[r];
                amountSum += read.Column<Int128>(1).Values[r];
                maxAt = read.Column<DateTimeOffset>(2).Values[r] > maxAt ? read.Column<DateTimeOffset>(2).Values[r] : maxAt;
                Assert.Equal(read.Column<long>(0).Values[r], BitConverter.ToInt32(read.Column<Guid>(3).Values[r].ToByteArray(), 0));
                nulls += read.Columns[4].Nulls[r] ? 1 : 0;
            }
        }

        Assert.Equal((100_000L, 5_000_050_000L, (Int128)5_000_050_000, 10_000L), (count, idSum, amountSum, nulls));
        Assert.Equal(start.AddTicks(1_000_000), maxAt);
    }

    [Fact]
    public async Task ChunkedLoad_ResumedAfterUnfinishedChunk_KeepsStagedChunkAndPublishesAll()
    {
        await WriteAsync("history", WriteMode.FullRefresh, Rows(100));
        var request = Request("history", WriteMode.FullRefresh);
        var plan = new StreamState(null, null, [], ImmutableDictionary<string, string>.Empty.Add("plan", "3 chunks"));
        var first = await _warehouse.OpenChunkedWriterAsync(request, plan, CancellationToken.None);
        await using (var chunk = await first.OpenChunkAsync(0, CancellationToken.None))
        {
            await chunk.WriteAsync(ComplianceData.Batch(Columns, Rows(1, 2)), CancellationToken.None);
            await chunk.CommitAsync(null, CancellationToken.None);
        }

        await using (var chunk = await first.OpenChunkAsync(1, CancellationToken.None))
        {
            await chunk.WriteAsync(ComplianceData.Batch(Columns, Rows(3, 4)), CancellationToken.None);
        }

        await first.DisposeAsync();
        var checkpoint = await _warehouse.LoadStateAsync("nightly", "history", CancellationToken.None);
        Assert.Equal([0], checkpoint!.CompletedChunks.ToArray());
        Assert.Equal("3 chunks", checkpoint.Extra["plan"]);

        var resumed = await _warehouse.OpenChunkedWriterAsync(request, checkpoint, CancellationToken.None);
        Assert.Equal([0], resumed.CompletedChunks.ToArray());
        foreach (var (index, ids) in new[] { (1, new[] { 3, 4 }), (2, new[] { 5 }) })
        {
            await using var chunk = await resumed.OpenChunkAsync(index, CancellationToken.None);
            await chunk.WriteAsync(ComplianceData.Batch(Columns, Rows(ids)), CancellationToken.None);
            await chunk.CommitAsync(null, CancellationToken.None);
        }

        Assert.Equal("100", Scalar<string>("SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM lake.history"));
        var result = await resumed.CommitAsync(new StreamState("done", null, [], ImmutableDictionary<string, string>.Empty), CancellationToken.None);

        Assert.Equal(5, result.RowsWritten);
        Assert.Equal("1,2,3,4,5", Scalar<string>("SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM lake.history"));
        Assert.Equal(3, (await _warehouse.DescribeAsync(new StreamId("lake", "history"), CancellationToken.None))!.Columns.Length);
        Assert.Equal("done", (await _warehouse.LoadStateAsync("nightly", "history", CancellationToken.None))?.Cursor);
        Assert.Equal(0, Scalar<long>("SELECT count(*) FROM _nagare.sync_chunks"));
    }

    [Fact]
    public async Task ChunkedLoad_ChunksCommittedInParallel_PublishesEveryRowOnce()
    {
        var load = await _warehouse.OpenChunkedWriterAsync(Request("parallel", WriteMode.Merge), StreamState.Empty, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(index => Task.Run(async () =>
        {
            await using var chunk = await load.OpenChunkAsync(index, CancellationToken.None);
            await chunk.WriteAsync(ComplianceData.Batch(Columns, Rows([.. Enumerable.Range((index * 500) + 1, 500)])), CancellationToken.None);
            await chunk.CommitAsync(null, CancellationToken.None);
        })));
        Assert.Equal([0, 1, 2, 3], load.CompletedChunks.ToArray());
        var checkpoint = await _warehouse.LoadStateAsync("nightly", "parallel", CancellationToken.None);
        Assert.Equal([0, 1, 2, 3], checkpoint!.CompletedChunks.ToArray());
        var result = await load.CommitAsync(null, CancellationToken.None);

        Assert.Null(await _warehouse.LoadStateAsync("nightly", "parallel", CancellationToken.None));
        Assert.Equal((2000L, 2000L), (result.RowsWritten, result.RowsInserted));
        Assert.Equal("2000|2000|2001000", Scalar<string>("SELECT count(*) || '|' || count(DISTINCT id) || '|' || sum(id) FROM lake.parallel"));
    }

    [Fact]
    public async Task Read_CustomSqlWithFilter_ReturnsQueryRows()
    {
        await WriteAsync("sales", WriteMode.FullRefresh, Rows(1, 2, 3, 4));
        var stream = (await _warehouse.DescribeAsync(new StreamId("lake", "sales"), CancellationToken.None))!;
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("doubled", ColumnType.Decimal(13, 2))];

        var rows = new List<object?[]>();
        var request = new ReadRequest(stream, columns, Filter: "id % 2 = 0", CustomSql: "SELECT id, amount * 2 AS doubled FROM lake.sales");
        await foreach (var batch in _warehouse.ReadAsync(request, CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        ComplianceData.AssertRows([[2L, 5.00m], [4L, 9.00m]], [.. rows.OrderBy(r => r[0])], columns);
    }

    [Fact]
    public async Task SplitAsync_FourChunks_CoverEveryRowOnce()
    {
        await WriteAsync("ranged", WriteMode.FullRefresh, [.. Rows([.. Enumerable.Range(1, 1000)]), [null, "no key", 0m]]);
        var stream = (await _warehouse.DescribeAsync(new StreamId("lake", "ranged"), CancellationToken.None))!;

        var ranges = await _warehouse.SplitAsync(stream, "id", 4, CancellationToken.None);

        Assert.Equal(4, ranges.Count);
        var seen = new List<long?>();
        foreach (var range in ranges)
        {
            await foreach (var batch in _warehouse.ReadAsync(new ReadRequest(stream, [stream.Columns[0]], Range: range), CancellationToken.None))
            {
                seen.AddRange(ComplianceData.Rows(batch).Select(r => (long?)r[0]));
            }
        }

        Assert.Equal([null, .. Enumerable.Range(1, 1000).Select(i => (long?)i)], seen.Order());
    }

    [Fact]
    public async Task DiscoverAsync_ThousandTables_ReturnsEveryTableWithColumnsAndKeys()
    {
        await using (var connection = await _warehouse.OpenAsync(CancellationToken.None))
        {
            connection.ExecuteNonQuery("CREATE SCHEMA many; " + string.Concat(Enumerable.Range(0, 1000).Select(i => $"CREATE TABLE many.t{i} (id BIGINT PRIMARY KEY, v DECIMAL(9,3), \"at\" TIMESTAMPTZ);")));
        }

        var streams = new List<StreamSchema>();
        await foreach (var stream in _warehouse.DiscoverAsync(new DiscoverRequest(["many"]), CancellationToken.None))
        {
            streams.Add(stream);
        }

        Assert.Equal(1000, streams.Count);
        Assert.All(streams, s =>
        {
            Assert.Equal(["id"], s.PrimaryKey.ToArray());
            Assert.Equal(["int64", "decimal(9,3)", "timestamptz"], s.Columns.Select(c => c.Type.ToString()));
            Assert.Equal(["id", "v", "at"], s.CursorCandidates.ToArray());
        });
    }

    [Fact]
    public async Task LoadState_ManyRunsOfOneSync_ReturnsNewestStateAndKeepsOneRowPerStream()
    {
        static StreamState Cursor(string value) => new(value, "id", [], ImmutableDictionary<string, string>.Empty);
        for (var run = 1; run <= 3; run++)
        {
            // Each run: a fresh connection object (as each `nagare sync` process has), states read first, then written.
            await _warehouse.DisposeAsync();
            _warehouse = new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DatabasePath));
            Assert.Equal(run == 1 ? null : (run - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), (await _warehouse.LoadStateAsync("nightly", "a", CancellationToken.None))?.Cursor);
            Assert.Null(await _warehouse.LoadStateAsync("nightly", "never", CancellationToken.None));
            await WriteAsync("a", WriteMode.Incremental, Rows(run), Cursor(run.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await WriteAsync("b", WriteMode.Incremental, Rows(run), Cursor("b" + run));

            // Read again on the same connection object after the writes: the new state, not the one read at the start.
            Assert.Equal(run.ToString(System.Globalization.CultureInfo.InvariantCulture), (await _warehouse.LoadStateAsync("nightly", "a", CancellationToken.None))?.Cursor);
            Assert.Equal("b" + run, (await _warehouse.LoadStateAsync("nightly", "b", CancellationToken.None))?.Cursor);
        }

        // Superseded rows are removed when a run first reads the states: at most the previous run's rows remain.
        Assert.Equal(2L, Scalar<long>("SELECT count(*) FROM _nagare.sync_state WHERE state_key = 'a'"));
        await _warehouse.DisposeAsync();
        _warehouse = new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DatabasePath));
        Assert.Equal("3", (await _warehouse.LoadStateAsync("nightly", "a", CancellationToken.None))?.Cursor);
        Assert.Equal(1L, Scalar<long>("SELECT count(*) FROM _nagare.sync_state WHERE state_key = 'a'"));
    }

    [Fact]
    public async Task Read_LimitOnTenMillionRows_ReadsNoRowPastTheLimit()
    {
        await using (var connection = await _warehouse.OpenAsync(CancellationToken.None))
        {
            // Rows from the five millionth on fail to compute, so a read that went past the limit would fail.
            connection.ExecuteNonQuery("""
                CREATE SCHEMA IF NOT EXISTS lake;
                CREATE VIEW lake.big AS
                SELECT i AS id, CASE WHEN i < 5000000 THEN 'n' || i ELSE CAST(i || ' is past the limit' AS INTEGER)::VARCHAR END AS name
                FROM range(10000000) t(i)
                """);
        }

        StreamSchema? stream = null;
        await foreach (var found in _warehouse.DiscoverAsync(new DiscoverRequest(["lake"], "lake.big"), CancellationToken.None))
        {
            stream = found;
        }

        Assert.NotNull(stream);
        var rows = new List<object?[]>();
        await foreach (var batch in _warehouse.ReadAsync(new ReadRequest(stream, [], Limit: 20), CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal("n" + r[0], r[1]));
        var unlimited = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var batch in _warehouse.ReadAsync(new ReadRequest(stream, []), CancellationToken.None))
            {
                Assert.True(batch.RowCount > 0);
            }
        });
        // DuckDB reports the failing cast, or, when another of its threads stops first, the interruption of the query.
        Assert.True(unlimited.Message.Contains("past the limit", StringComparison.Ordinal) || unlimited.Message.Contains("INTERRUPT Error", StringComparison.Ordinal), unlimited.Message);
    }

    private static object?[][] Rows(params int[] ids) => [.. ids.Select(i => new object?[] { (long)i, "n" + i, i + 0.5m })];

    private static WriteRequest Request(string table, WriteMode mode, ImmutableArray<ColumnSchema>? columns = null, DeleteDetection deletes = DeleteDetection.None) =>
        new("nightly", table, new StreamId("lake", table), columns ?? Columns, mode, ["id"], DeleteDetection: deletes);

    private async Task<WriteResult> WriteAsync(
        string table, WriteMode mode, IReadOnlyList<object?[]> rows, StreamState? state = null, ImmutableArray<ColumnSchema>? columns = null, DeleteDetection deletes = DeleteDetection.None)
    {
        await using var writer = await _warehouse.OpenWriterAsync(Request(table, mode, columns, deletes), CancellationToken.None);
        await writer.WriteAsync(ComplianceData.Batch(columns ?? Columns, rows), CancellationToken.None);
        return await writer.CommitAsync(state, CancellationToken.None);
    }

    private T? Scalar<T>(string sql)
    {
        using var connection = _warehouse.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return connection.ExecuteScalar<T>(sql);
    }
}
