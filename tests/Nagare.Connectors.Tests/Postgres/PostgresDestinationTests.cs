using System.Collections.Immutable;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresDestinationTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    private static readonly ImmutableArray<ColumnSchema> Columns =
        [new("id", ColumnType.Int64, Nullable: false), new("name", ColumnType.String), new("amount", ColumnType.Decimal(10, 2))];

    [Fact]
    public async Task FullRefresh_Committed_ReplacesTheTable()
    {
        var schema = await pg.CreateSchemaAsync("pgfull");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.FullRefresh);
        await PostgresRows.WriteAsync(connection, request, null, [1L, "old", 1m], [2L, "old", 2m]);

        var result = await PostgresRows.WriteAsync(connection, request, null, [3L, "new", 3.5m]);

        Assert.Equal(1, result.RowsWritten);
        Assert.Equal([[3L, "new", 3.5m]], await RowsAsync(schema));
        Assert.Equal(0L, await pg.ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}' AND tablename LIKE '%nagare%'"));
    }

    [Fact]
    public async Task FullRefresh_DisposedWithoutCommit_LeavesOldData()
    {
        var schema = await pg.CreateSchemaAsync("pgfull");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.FullRefresh);
        await PostgresRows.WriteAsync(connection, request, null, [1L, "old", 1m]);

        await using (var writer = await connection.OpenWriterAsync(request, CancellationToken.None))
        {
            await writer.WriteAsync(PostgresRows.Batch(Columns, [9L, "new", 9m]), CancellationToken.None);
        }

        Assert.Equal([[1L, "old", 1m]], await RowsAsync(schema));
    }

    [Fact]
    public async Task FullRefresh_SoftDeleteDetection_KeepsVanishedRowsMarked()
    {
        var schema = await pg.CreateSchemaAsync("pgfull");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.FullRefresh) with { DeleteDetection = DeleteDetection.Soft };
        await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m], [2L, "b", 2m]);

        var result = await PostgresRows.WriteAsync(connection, request, null, [2L, "b2", 2m]);

        Assert.Equal(1, result.RowsDeleted);
        var rows = await pg.QueryAsync($"SELECT id, name, _deleted_at IS NOT NULL FROM {schema}.items ORDER BY id");
        Assert.Equal([[1L, "a", true], [2L, "b2", false]], rows);
    }

    [Fact]
    public async Task Append_ExistingTableWithWiderTypes_InsertsThroughStaging()
    {
        var schema = await pg.CreateSchemaAsync("pgappend");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id bigint, name varchar(20), amount numeric(14,4), extra text DEFAULT 'd')");
        await using var connection = pg.CreateConnection();

        var first = await PostgresRows.WriteAsync(connection, Request(schema, WriteMode.Append), null, [1L, "a", 1.25m]);
        await PostgresRows.WriteAsync(connection, Request(schema, WriteMode.Append), null, [1L, "a", 1.25m]);

        Assert.Equal(1, first.RowsInserted);
        var rows = await pg.QueryAsync($"SELECT id, name, amount, extra FROM {schema}.items");
        Assert.Equal([[1L, "a", 1.2500m, "d"], [1L, "a", 1.2500m, "d"]], rows);
    }

    [Fact]
    public async Task Incremental_StateCommittedWithRows_AndRolledBackWithThem()
    {
        var schema = await pg.CreateSchemaAsync("pginc");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Incremental) with { SyncName = "sync_" + schema };
        var state = new StreamState("2024-01-01T00:00:00Z", "at", [], ImmutableDictionary<string, string>.Empty.Add("k", "v"));
        await PostgresRows.WriteAsync(connection, request, state, [1L, "a", 1m]);

        await using (var writer = await connection.OpenWriterAsync(request, CancellationToken.None))
        {
            await writer.WriteAsync(PostgresRows.Batch(Columns, [2L, "b", 2m]), CancellationToken.None);
        }

        var loaded = await connection.LoadStateAsync(request.SyncName, request.StateKey, CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal("2024-01-01T00:00:00Z", loaded.Cursor);
        Assert.Equal("at", loaded.CursorColumn);
        Assert.Equal("v", loaded.Extra["k"]);
        Assert.Equal([[1L, "a", 1m]], await RowsAsync(schema));
        Assert.Null(await connection.LoadStateAsync(request.SyncName, "other", CancellationToken.None));
    }

    [Fact]
    public async Task Merge_UpsertsByKeyAndHardDeletesMissingRows()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Merge) with { PrimaryKey = ["id"] };
        await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m], [2L, "b", 2m], [3L, "c", 3m]);

        var result = await PostgresRows.WriteAsync(connection, request with { DeleteDetection = DeleteDetection.Hard }, null, [2L, "B", 20m], [4L, "d", 4m], [4L, "d2", 5m], [3L, "c", 3m]);

        Assert.Equal(1, result.RowsInserted);
        Assert.Equal(1, result.RowsUpdated);
        Assert.Equal(1, result.RowsUnchanged);
        Assert.Equal(1, result.RowsDeleted);
        Assert.Equal([[2L, "B", 20m], [3L, "c", 3m], [4L, "d2", 5m]], await RowsAsync(schema));
    }

    [Fact]
    public async Task Merge_UnchangedRowsOfAnExistingTable_AreNotRewrittenAndFireNoUpdateTrigger()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await pg.ExecuteAsync($$"""
            CREATE TABLE {{schema}}.items (id bigint PRIMARY KEY, name text, amount numeric(10,2), doc json);
            CREATE TABLE {{schema}}.updates (id bigint);
            CREATE FUNCTION {{schema}}.note_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO {{schema}}.updates VALUES (NEW.id); RETURN NEW; END $$;
            CREATE TRIGGER note_update AFTER UPDATE ON {{schema}}.items FOR EACH ROW EXECUTE FUNCTION {{schema}}.note_update();
            INSERT INTO {{schema}}.items VALUES (1, 'a', 1, '{"k": 1}'), (2, 'b', NULL, NULL), (3, 'c', 3, '[1, 2]');
            """);
        var before = await pg.QueryAsync($"SELECT id, xmin::text FROM {schema}.items ORDER BY id");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Merge) with { Columns = [.. Columns, new ColumnSchema("doc", ColumnType.Json)] };

        var result = await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m, "{\"k\": 1}"], [2L, "b", null, null], [3L, "c", 3m, "[1, 3]"]);

        Assert.Equal((0L, 1L, 2L), (result.RowsInserted, result.RowsUpdated, result.RowsUnchanged));
        Assert.Equal([[3L]], await pg.QueryAsync($"SELECT id FROM {schema}.updates"));
        var after = await pg.QueryAsync($"SELECT id, xmin::text FROM {schema}.items ORDER BY id");
        Assert.Equal(before.Take(2), after.Take(2));
        Assert.NotEqual(before[2], after[2]);
        Assert.Equal([["[1, 3]"]], await pg.QueryAsync($"SELECT doc::text FROM {schema}.items WHERE id = 3"));
    }

    [Fact]
    public async Task Merge_NewTarget_CopiesRowsAndAddsTheKey()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Merge) with { PrimaryKey = ["id"], DeleteDetection = DeleteDetection.Hard };

        var result = await PostgresRows.WriteAsync(connection, request, null, [2L, "b", 2m], [1L, "a", 1.5m], [3L, null, null]);

        Assert.Equal(3, result.RowsWritten);
        Assert.Equal(3, result.RowsInserted);
        Assert.Equal(0, result.RowsUpdated);
        Assert.Equal(0, result.RowsDeleted);
        Assert.Equal([[1L, "a", 1.5m], [2L, "b", 2m], [3L, null, null]], await RowsAsync(schema));
        Assert.Equal([["id"]], await pg.QueryAsync(
            $"SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey::int2[]) WHERE i.indrelid = '{schema}.items'::regclass AND i.indisprimary"));
    }

    [Fact]
    public async Task Merge_NewTargetWithRepeatedKeys_LastRowWins()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Merge) with { PrimaryKey = ["id"] };

        var result = await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m], [2L, "b", 2m], [1L, "a2", 3m], [1L, "a3", 4m], [2L, "b2", 5m]);
        var again = await PostgresRows.WriteAsync(connection, request, null, [2L, "x", 6m], [2L, "y", 7m], [5L, "e", 8m]);

        Assert.Equal(5, result.RowsWritten);
        Assert.Equal(2, result.RowsInserted);
        Assert.Equal(1, again.RowsInserted);
        Assert.Equal(1, again.RowsUpdated);
        Assert.Equal([[1L, "a3", 4m], [2L, "y", 7m], [5L, "e", 8m]], await RowsAsync(schema));
    }

    [Fact]
    public async Task Merge_KeyRepeatedLateInALargeLoad_UpsertRetriedWithLastCopiesAndCountedOnce()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Merge) with { PrimaryKey = ["id"], DeleteDetection = DeleteDetection.Soft };
        await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m], [2L, "b", 2m], [3L, "c", 3m]);
        object?[][] load = [.. Enumerable.Range(2, 20_000).Select(i => new object?[] { (long)i, "v" + i, (decimal)i }), [500L, "last", 0.5m], [2L, "again", 0.25m]];

        var result = await PostgresRows.WriteAsync(connection, request, null, load);

        Assert.Equal(20_002, result.RowsWritten);
        Assert.Equal(19_998, result.RowsInserted);
        Assert.Equal(2, result.RowsUpdated);
        Assert.Equal(1, result.RowsDeleted);
        var rows = await pg.QueryAsync($"SELECT count(*), count(*) FILTER (WHERE _deleted_at IS NOT NULL), sum(amount) FROM {schema}.items");
        Assert.Equal([[20_001L, 1L, (decimal)((20_001L * 20_002 / 2) - 1) - 500m + 0.5m - 2m + 0.25m + 1m]], rows);
        Assert.Equal([["last"]], await pg.QueryAsync($"SELECT name FROM {schema}.items WHERE id = 500"));
        Assert.Equal([["again"]], await pg.QueryAsync($"SELECT name FROM {schema}.items WHERE id = 2"));
    }

    [Fact]
    public async Task Merge_SoftDelete_MarksMissingAndRevivesReturning()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.Merge) with { PrimaryKey = ["id"], DeleteDetection = DeleteDetection.Soft };
        await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m], [2L, "b", 2m]);
        await PostgresRows.WriteAsync(connection, request, null, [2L, "b", 2m]);

        var deleted = await pg.QueryAsync($"SELECT id FROM {schema}.items WHERE _deleted_at IS NOT NULL");
        await PostgresRows.WriteAsync(connection, request, null, [1L, "a", 1m], [2L, "b", 2m]);
        var stillDeleted = await pg.ScalarAsync<long>($"SELECT count(*) FROM {schema}.items WHERE _deleted_at IS NOT NULL");

        Assert.Equal([[1L]], deleted);
        Assert.Equal(0, stillDeleted);
    }

    [Fact]
    public async Task Merge_TargetWithoutKey_ClearErrorAndNothingWritten()
    {
        var schema = await pg.CreateSchemaAsync("pgmerge");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id bigint, name text, amount numeric(10,2))");
        await using var connection = pg.CreateConnection();

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            PostgresRows.WriteAsync(connection, Request(schema, WriteMode.Merge) with { PrimaryKey = ["id"] }, null, [1L, "a", 1m]));

        Assert.Contains("primary key or unique index on (id)", error.Message, StringComparison.Ordinal);
        Assert.Contains("ADD PRIMARY KEY", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_NewAndWiderColumns_EvolveTheTable()
    {
        var schema = await pg.CreateSchemaAsync("pgevolve");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id integer, name text); INSERT INTO {schema}.items VALUES (1, 'a')");
        await using var connection = pg.CreateConnection();
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("name", ColumnType.String), new("added", ColumnType.Date)];

        await PostgresRows.WriteAsync(connection, Request(schema, WriteMode.Append) with { Columns = columns }, null, [5_000_000_000L, "b", new DateOnly(2024, 5, 6)]);

        var described = await connection.DescribeAsync(new StreamId(schema, "items"), CancellationToken.None);
        Assert.Equal(["int64", "string", "date"], described!.Columns.Select(c => c.Type.ToString()));
        Assert.Equal([[1L, "a", null], [5_000_000_000L, "b", new DateOnly(2024, 5, 6)]], await pg.QueryAsync($"SELECT id, name, added FROM {schema}.items ORDER BY id"));
    }

    [Fact]
    public async Task Append_IncompatibleType_StopsWithSchemaChangeAndKeepsData()
    {
        var schema = await pg.CreateSchemaAsync("pgevolve");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id bigint, name text, amount numeric(10,2)); INSERT INTO {schema}.items VALUES (1, 'a', 1)");
        await using var connection = pg.CreateConnection();
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Uuid), new("name", ColumnType.String), new("amount", ColumnType.Decimal(10, 2))];

        var error = await Assert.ThrowsAsync<SchemaChangeException>(() =>
            PostgresRows.WriteAsync(connection, Request(schema, WriteMode.Append) with { Columns = columns }, null, [Guid.NewGuid(), "b", 2m]));

        Assert.Contains("'id'", error.Message, StringComparison.Ordinal);
        Assert.Contains("int64", error.Message, StringComparison.Ordinal);
        Assert.Contains("uuid", error.Message, StringComparison.Ordinal);
        Assert.Equal([[1L, "a", 1m]], await RowsAsync(schema));
    }

    [Fact]
    public async Task Write_ValueTheColumnCannotHold_NamesTableColumnAndRowAndKeepsOldData()
    {
        var schema = await pg.CreateSchemaAsync("pgbad");
        await using var connection = pg.CreateConnection();
        var request = Request(schema, WriteMode.FullRefresh);
        await PostgresRows.WriteAsync(connection, request, null, [1L, "old", 1m]);

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            PostgresRows.WriteAsync(connection, request, null, [1L, "fine", 1m], [2L, "fine", 2m], [3L, "fine", 123456789.12m]));

        Assert.Contains("row 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("'amount'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{schema}.items", error.Message, StringComparison.Ordinal);
        Assert.Equal([[1L, "old", 1m]], await RowsAsync(schema));
    }

    [Fact]
    public async Task Write_TextWithNul_NamesColumnAndRow()
    {
        var schema = await pg.CreateSchemaAsync("pgbad");
        await using var connection = pg.CreateConnection();

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            PostgresRows.WriteAsync(connection, Request(schema, WriteMode.Append), null, [1L, "ok", 1m], [2L, "nul\0here", 2m]));

        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await pg.ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
    }

    [Fact]
    public async Task Write_HostileIdentifiers_RoundTrip()
    {
        var schema = await pg.CreateSchemaAsync("pg\"hostile");
        await using var connection = pg.CreateConnection();
        var table = new StreamId(schema, "select \"from\" 表 order");
        ImmutableArray<ColumnSchema> columns = [new("order", ColumnType.Int32), new("a \"quoted\" col", ColumnType.String), new("ünï cødé", ColumnType.Boolean), new("x'; DROP TABLE y; --", ColumnType.Int16)];
        var request = new WriteRequest("hostile", "t", table, columns, WriteMode.Merge, ["order"]);

        await PostgresRows.WriteAsync(connection, request, StreamState.Empty, [1, "it's", true, (short)2]);
        await PostgresRows.WriteAsync(connection, request, StreamState.Empty, [1, "again", false, (short)3]);
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, table.Name);
        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Filter: "\"order\" = 1", Cursor: new CursorRange("order", 0)));

        Assert.Equal(columns.Select(c => c.Name), stream.Columns.Select(c => c.Name));
        Assert.Equal([[1, "again", false, (short)3]], rows);
    }

    [Fact]
    public async Task OpenWriter_NameLongerThan63Bytes_ReportedInsteadOfCut()
    {
        var schema = await pg.CreateSchemaAsync("pglong");
        await using var connection = pg.CreateConnection();
        ImmutableArray<ColumnSchema> columns = [new(new string('c', 64), ColumnType.Int32)];

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            connection.OpenWriterAsync(new WriteRequest("s", "k", new StreamId(schema, "t"), columns, WriteMode.Append, []), CancellationToken.None));

        Assert.Contains("64 bytes", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    private static WriteRequest Request(string schema, WriteMode mode) =>
        new("sync", "items", new StreamId(schema, "items"), Columns, mode, ["id"]);

    private Task<List<object?[]>> RowsAsync(string schema) => pg.QueryAsync($"SELECT id, name, amount FROM {schema}.items ORDER BY id");
}
