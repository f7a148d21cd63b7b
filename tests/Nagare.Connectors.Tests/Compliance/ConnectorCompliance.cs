using System.Collections.Immutable;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Compliance;

/// <summary>
/// What every connector must do, as facts a connector's test class inherits:
/// <c>public sealed class SqliteCompliance(SqliteComplianceFixture f) : ConnectorCompliance&lt;SqliteComplianceFixture&gt;(f)</c>.
/// Facts a connector cannot run (a destination-only fact on a source-only connector, a write mode it lacks) are
/// reported as skipped with the reason.
/// </summary>
/// <typeparam name="TFixture">Creates the connector under test in isolated places.</typeparam>
public abstract class ConnectorCompliance<TFixture> : IClassFixture<TFixture>
    where TFixture : class, IComplianceFixture
{
    private const string SyncName = "compliance";

    protected ConnectorCompliance(TFixture fixture)
    {
        Fixture = fixture;
    }

    protected TFixture Fixture { get; }

    [ComplianceFact]
    public async Task Discover_NativeTable_ReportsColumnsTypesAndKey()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var source = RequireSource(target);
        var columns = ComplianceData.TypeColumns(target.SupportsType);
        await target.CreateTableAsync("discovered", columns, ["id"], []);

        StreamSchema? stream = null;
        await foreach (var s in source.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            if (s.Id.Name == "discovered" && s.Id.Namespace == target.Namespace)
            {
                stream = s;
            }
        }

        Assert.NotNull(stream);
        Assert.Equal(["id"], stream.PrimaryKey.ToArray());
        Assert.Equal(columns.Select(c => c.Name), stream.Columns.Select(c => c.Name));
        Assert.Equal(columns.Select(c => target.ExpectedType(c.Type)), stream.Columns.Select(c => c.Type));
        Assert.Contains("id", stream.CursorCandidates);
    }

    [ComplianceFact]
    public async Task Read_NativeTableOfEveryType_RoundTripsNullsAndExtremes()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireSource(target);
        var columns = ComplianceData.TypeColumns(target.SupportsType);
        var rows = ComplianceData.TypeRows(columns);
        await target.CreateTableAsync("typed_source", columns, ["id"], rows);

        var read = await ReadThroughConnectorAsync(target, "typed_source");

        ComplianceData.AssertRows(rows, read, columns);
    }

    [ComplianceFact]
    public async Task Read_ProjectionCursorAndBatchSize_ReturnsRequestedColumnsAndRows()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var source = RequireSource(target);
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String), new("amount", ColumnType.Decimal(12, 2))];
        var rows = Enumerable.Range(1, 25).Select(i => new object?[] { (long)i, "n" + i, i * 1.5m }).ToList();
        await target.CreateTableAsync("projected", columns, ["id"], rows);
        var stream = await FindStreamAsync(source, target, "projected");

        var read = new List<object?[]>();
        var batches = 0;
        var request = new ReadRequest(stream, [stream.Columns[2], stream.Columns[0]], Cursor: new CursorRange("id", 20L), BatchSize: 2);
        await foreach (var batch in source.ReadAsync(request, CancellationToken.None))
        {
            batches++;
            Assert.True(batch.RowCount <= 2);
            read.AddRange(ComplianceData.Rows(batch));
        }

        Assert.Equal(3, batches);
        ComplianceData.AssertRows(
            [.. Enumerable.Range(21, 5).Select(i => new object?[] { i * 1.5m, (long)i })],
            [.. read.OrderBy(r => r[1], ComplianceData.ValueComparer)],
            [columns[2], columns[0]]);
    }

    [ComplianceFact]
    public async Task Read_LimitWithCursor_ReturnsExactlyTheFirstRowsPastTheCursor()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var source = RequireSource(target);
        // Stored out of order, so the first rows by id are not the first rows stored.
        await target.CreateTableAsync("limited", SmallColumns, ["id"], SmallRows([.. Enumerable.Range(1, 30).Select(i => i * 7 % 31)]));
        var stream = await FindStreamAsync(source, target, "limited");

        var read = new List<object?[]>();
        var batches = 0;
        await foreach (var batch in source.ReadAsync(new ReadRequest(stream, [], Cursor: new CursorRange("id", 10L), BatchSize: 2, Limit: 5), CancellationToken.None))
        {
            batches++;
            read.AddRange(ComplianceData.Rows(batch));
        }

        ComplianceData.AssertRows(SmallRows(11, 12, 13, 14, 15), read, SmallColumns);
        Assert.Equal(3, batches);
        ComplianceData.AssertRows(SmallRows(1, 2, 3), await ReadAsync(source, new ReadRequest(stream, [], Cursor: new CursorRange("id", null), Limit: 3)), SmallColumns);
    }

    [ComplianceFact]
    public async Task Read_Limit_ReturnsExactlyThatManyRowsOfTheTable()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var source = RequireSource(target);
        await target.CreateTableAsync("sampled", SmallColumns, ["id"], SmallRows([.. Enumerable.Range(1, 40)]));
        var stream = await FindStreamAsync(source, target, "sampled");

        var seven = await ReadAsync(source, new ReadRequest(stream, [stream.Columns[1], stream.Columns[0]], Limit: 7));
        var none = await ReadAsync(source, new ReadRequest(stream, [], Limit: 0));
        var more = await ReadAsync(source, new ReadRequest(stream, [], Limit: 1000));

        Assert.Equal(7, seven.Count);
        Assert.Equal(7, seven.Select(r => r[1]).Distinct().Count());
        Assert.All(seven, r => Assert.Equal("n" + r[1], r[0]));
        Assert.Empty(none);
        Assert.Equal(40, more.Count);
    }

    [ComplianceFact]
    public async Task Write_EveryType_RoundTripsNullsAndExtremesAndDescribes()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, WriteMode.FullRefresh);
        var columns = ComplianceData.TypeColumns(target.SupportsType);
        var rows = ComplianceData.TypeRows(columns);

        var result = await WriteAsync(target, "typed_target", columns, WriteMode.FullRefresh, rows);

        Assert.Equal(3, result.RowsWritten);
        var described = await destination.DescribeAsync(new StreamId(target.Namespace, "typed_target"), CancellationToken.None);
        Assert.NotNull(described);
        Assert.Equal(columns.Select(c => c.Name), described.Columns.Select(c => c.Name));
        Assert.Equal(columns.Select(c => target.ExpectedType(c.Type)), described.Columns.Select(c => c.Type));
        ComplianceData.AssertRows(rows, await target.ReadRowsAsync("typed_target"), columns);
    }

    [ComplianceFact]
    public async Task Describe_MissingTable_ReturnsNull()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, null);

        Assert.Null(await destination.DescribeAsync(new StreamId(target.Namespace, "does_not_exist"), CancellationToken.None));
    }

    [ComplianceFact]
    public async Task FullRefresh_ExistingTable_ReplacesRows()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.FullRefresh);
        await WriteAsync(target, "replaced", SmallColumns, WriteMode.FullRefresh, SmallRows(1, 2, 3));

        var result = await WriteAsync(target, "replaced", SmallColumns, WriteMode.FullRefresh, SmallRows(7, 8));

        Assert.Equal(2, result.RowsWritten);
        ComplianceData.AssertRows(SmallRows(7, 8), await target.ReadRowsAsync("replaced"), SmallColumns);
    }

    [ComplianceFact]
    public async Task FullRefresh_WriterDisposedWithoutCommit_LeavesOldData()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, WriteMode.FullRefresh);
        await WriteAsync(target, "kept", SmallColumns, WriteMode.FullRefresh, SmallRows(1, 2, 3));

        await using (var writer = await destination.OpenWriterAsync(Request(target, "kept", SmallColumns, WriteMode.FullRefresh), CancellationToken.None))
        {
            await writer.WriteAsync(ComplianceData.Batch(SmallColumns, SmallRows(9)), CancellationToken.None);
        }

        ComplianceData.AssertRows(SmallRows(1, 2, 3), await target.ReadRowsAsync("kept"), SmallColumns);
    }

    [ComplianceFact]
    public async Task Append_TwoCommits_KeepsAllRows()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.Append);
        await WriteAsync(target, "appended", SmallColumns, WriteMode.Append, SmallRows(1, 2));

        var result = await WriteAsync(target, "appended", SmallColumns, WriteMode.Append, SmallRows(3, 4));

        Assert.Equal(2, result.RowsInserted);
        ComplianceData.AssertRows(SmallRows(1, 2, 3, 4), await target.ReadRowsAsync("appended"), SmallColumns);
    }

    [ComplianceFact]
    public async Task Incremental_Commit_StoresStateWithRows()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, WriteMode.Incremental);
        var state = new StreamState("2", "id", [], ImmutableDictionary<string, string>.Empty.Add("origin", "shard 1"));

        await WriteAsync(target, "incremental", SmallColumns, WriteMode.Incremental, SmallRows(1, 2), state);
        var loaded = await destination.LoadStateAsync(SyncName, "incremental", CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal("2", loaded.Cursor);
        Assert.Equal("id", loaded.CursorColumn);
        Assert.Equal("shard 1", loaded.Extra["origin"]);
        ComplianceData.AssertRows(SmallRows(1, 2), await target.ReadRowsAsync("incremental"), SmallColumns);
    }

    [ComplianceFact]
    public async Task Incremental_WriterDisposedWithoutCommit_KeepsOldRowsAndState()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, WriteMode.Incremental);
        await WriteAsync(target, "interrupted", SmallColumns, WriteMode.Incremental, SmallRows(1), new StreamState("1", "id", [], ImmutableDictionary<string, string>.Empty));

        await using (var writer = await destination.OpenWriterAsync(Request(target, "interrupted", SmallColumns, WriteMode.Incremental), CancellationToken.None))
        {
            await writer.WriteAsync(ComplianceData.Batch(SmallColumns, SmallRows(2, 3)), CancellationToken.None);
        }

        Assert.Equal("1", (await destination.LoadStateAsync(SyncName, "interrupted", CancellationToken.None))?.Cursor);
        ComplianceData.AssertRows(SmallRows(1), await target.ReadRowsAsync("interrupted"), SmallColumns);
    }

    [ComplianceFact]
    public async Task LoadState_NothingCommitted_ReturnsNull()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, null);

        Assert.Null(await destination.LoadStateAsync(SyncName, "never_written", CancellationToken.None));
    }

    [ComplianceFact]
    public async Task Merge_RowsWithTheSameValues_CountedUnchangedNotUpdated()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.Merge);
        object?[][] stored = [[1L, "one", 1.5m], [2L, null, null], [3L, "three", 3.5m]];
        await WriteAsync(target, "unchanged", SmallColumns, WriteMode.Merge, stored);
        object?[][] again = [[1L, "one", 1.5m], [2L, null, null], [3L, "three", 3.75m], [4L, "four", null]];

        var result = await WriteAsync(target, "unchanged", SmallColumns, WriteMode.Merge, again);

        // Equal values count as unchanged, NULLs included; only key 3 changed.
        Assert.Equal((1L, 1L, 2L), (result.RowsInserted, result.RowsUpdated, result.RowsUnchanged));
        ComplianceData.AssertRows(again, await target.ReadRowsAsync("unchanged"), SmallColumns);
    }

    [ComplianceFact]
    public async Task Merge_ExistingAndNewKeys_UpsertsByKey()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.Merge);
        await WriteAsync(target, "merged", SmallColumns, WriteMode.Merge, SmallRows(1, 2, 3));
        object?[][] changes = [[2L, "two changed", 22.5m], [4L, "four", 4.5m]];

        var result = await WriteAsync(target, "merged", SmallColumns, WriteMode.Merge, changes);

        Assert.Equal(1, result.RowsUpdated);
        Assert.Equal(1, result.RowsInserted);
        ComplianceData.AssertRows(
            [SmallRows(1)[0], changes[0], SmallRows(3)[0], changes[1]],
            await target.ReadRowsAsync("merged"),
            SmallColumns);
    }

    [ComplianceFact]
    public async Task Merge_HardDeleteDetection_RemovesMissingKeys()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.Merge);
        await WriteAsync(target, "pruned", SmallColumns, WriteMode.Merge, SmallRows(1, 2, 3));

        var result = await WriteAsync(target, "pruned", SmallColumns, WriteMode.Merge, SmallRows(1, 3), deletes: DeleteDetection.Hard);

        Assert.Equal(1, result.RowsDeleted);
        ComplianceData.AssertRows(SmallRows(1, 3), await target.ReadRowsAsync("pruned"), SmallColumns);
    }

    [ComplianceFact]
    public async Task Write_HostileIdentifiers_RoundTrip()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.FullRefresh);
        ImmutableArray<ColumnSchema> columns =
        [
            new("select", ColumnType.Int64, false), new("order", ColumnType.String), new("with \"quotes\" and 'single'", ColumnType.String),
            new("spaces and ünïcödé 列", ColumnType.Int32), new("semi;colon--dash", ColumnType.Boolean),
        ];
        const string table = "Tablé \"order\" 'x'; drop";
        object?[][] rows = [[1L, "a", "b", 3, true], [2L, null, "'; DROP TABLE x; --", null, false]];

        await WriteAsync(target, table, columns, WriteMode.FullRefresh, rows);
        await WriteAsync(target, table, columns, WriteMode.FullRefresh, rows);

        ComplianceData.AssertRows(rows, await target.ReadRowsAsync(table), columns);
    }

    [ComplianceFact]
    public async Task Read_HostileIdentifiers_RoundTrip()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireSource(target);
        ImmutableArray<ColumnSchema> columns = [new("select", ColumnType.Int64, false), new("with \"quotes\" 列", ColumnType.String)];
        const string table = "from \"where\" 'x'";
        object?[][] rows = [[1L, "a"], [2L, null]];
        await target.CreateTableAsync(table, columns, ["select"], rows);

        ComplianceData.AssertRows(rows, await ReadThroughConnectorAsync(target, table), columns);
    }

    [ComplianceFact]
    public async Task Write_ValueTheTargetCannotHold_ThrowsNamingTableAndColumnAndKeepsOldData()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, WriteMode.FullRefresh);
        var unholdable = target.UnholdableValue ?? throw new CapabilitySkipException($"{destination.Capabilities.Type} holds every value of its declared types.");
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64, false), unholdable.Column];
        await WriteAsync(target, "guarded", columns, WriteMode.FullRefresh, [[1L, null]]);

        var error = await Assert.ThrowsAnyAsync<ConnectorException>(async () =>
        {
            await using var writer = await destination.OpenWriterAsync(Request(target, "guarded", columns, WriteMode.FullRefresh), CancellationToken.None);
            await writer.WriteAsync(ComplianceData.Batch(columns, [[2L, null], [3L, unholdable.Value]]), CancellationToken.None);
            await writer.CommitAsync(null, CancellationToken.None);
        });

        Assert.Contains("guarded", error.Message, StringComparison.Ordinal);
        Assert.Contains(unholdable.Column.Name, error.Message, StringComparison.Ordinal);
        ComplianceData.AssertRows([[1L, null]], await target.ReadRowsAsync("guarded"), columns);
    }

    [ComplianceFact]
    public async Task Write_NewColumnInExistingTable_AddsColumn()
    {
        await using var target = await Fixture.CreateTargetAsync();
        var destination = RequireDestination(target, WriteMode.Append);
        await WriteAsync(target, "evolving", SmallColumns, WriteMode.Append, SmallRows(1));
        ImmutableArray<ColumnSchema> wider = [.. SmallColumns, new ColumnSchema("added", ColumnType.String)];

        await WriteAsync(target, "evolving", wider, WriteMode.Append, [[2L, "n2", 2.5m, "new"]]);

        var described = await destination.DescribeAsync(new StreamId(target.Namespace, "evolving"), CancellationToken.None);
        Assert.Equal(["id", "name", "amount", "added"], described!.Columns.Select(c => c.Name));
        ComplianceData.AssertRows([[1L, "n1", 1.5m, null], [2L, "n2", 2.5m, "new"]], await target.ReadRowsAsync("evolving"), wider);
    }

    [ComplianceFact]
    public async Task Write_IncompatibleTypeChange_ThrowsSchemaChangeNamingColumnAndTypes()
    {
        await using var target = await Fixture.CreateTargetAsync();
        RequireDestination(target, WriteMode.Append);
        await WriteAsync(target, "incompatible", SmallColumns, WriteMode.Append, SmallRows(1));
        ImmutableArray<ColumnSchema> changed = [SmallColumns[0], new("name", ColumnType.Int64), SmallColumns[2]];

        var error = await Assert.ThrowsAsync<SchemaChangeException>(() => WriteAsync(target, "incompatible", changed, WriteMode.Append, [[2L, 5L, 1m]]));

        Assert.Contains("name", error.Message, StringComparison.Ordinal);
        Assert.Contains("string", error.Message, StringComparison.Ordinal);
        Assert.Contains("int64", error.Message, StringComparison.Ordinal);
        ComplianceData.AssertRows(SmallRows(1), await target.ReadRowsAsync("incompatible"), SmallColumns);
    }

    /// <summary><c>id int64, name string, amount decimal(12,2)</c>.</summary>
    protected static ImmutableArray<ColumnSchema> SmallColumns { get; } =
        [new("id", ColumnType.Int64, false), new("name", ColumnType.String), new("amount", ColumnType.Decimal(12, 2))];

    /// <summary>Rows of <see cref="SmallColumns"/>: id, <c>n{id}</c>, id + 0.5.</summary>
    protected static object?[][] SmallRows(params int[] ids) => [.. ids.Select(i => new object?[] { (long)i, "n" + i, i + 0.5m })];

    /// <summary>Skips the fact unless the connector is a source.</summary>
    protected static ISource RequireSource(ComplianceTarget target) =>
        target.Connection as ISource ?? throw new CapabilitySkipException($"{target.Connection.Capabilities.Type} is not a source.");

    /// <summary>Skips the fact unless the connector is a destination accepting <paramref name="mode"/>.</summary>
    protected static IDestination RequireDestination(ComplianceTarget target, WriteMode? mode)
    {
        var destination = target.Connection as IDestination ?? throw new CapabilitySkipException($"{target.Connection.Capabilities.Type} is not a destination.");
        if (mode is { } m && !destination.Capabilities.WriteModes.Contains(m))
        {
            throw new CapabilitySkipException($"{destination.Capabilities.Type} does not support write mode {m}.");
        }

        return destination;
    }

    /// <summary>A write request of sync <c>compliance</c>, state key = table name, key <c>id</c> (or the first column).</summary>
    protected static WriteRequest Request(ComplianceTarget target, string table, ImmutableArray<ColumnSchema> columns, WriteMode mode, DeleteDetection deletes = DeleteDetection.None) =>
        new(SyncName, table, new StreamId(target.Namespace, table), columns, mode, [columns[0].Name], DeleteDetection: deletes);

    /// <summary>Writes <paramref name="rows"/> in one batch and commits.</summary>
    protected static async Task<WriteResult> WriteAsync(
        ComplianceTarget target, string table, ImmutableArray<ColumnSchema> columns, WriteMode mode, IReadOnlyList<object?[]> rows,
        StreamState? state = null, DeleteDetection deletes = DeleteDetection.None)
    {
        var destination = (IDestination)target.Connection;
        await using var writer = await destination.OpenWriterAsync(Request(target, table, columns, mode, deletes), CancellationToken.None);
        await writer.WriteAsync(ComplianceData.Batch(columns, rows), CancellationToken.None);
        return await writer.CommitAsync(state, CancellationToken.None);
    }

    /// <summary>Finds a stream by discovery.</summary>
    protected static async Task<StreamSchema> FindStreamAsync(ISource source, ComplianceTarget target, string name)
    {
        await foreach (var stream in source.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            if (stream.Id.Name == name && stream.Id.Namespace == target.Namespace)
            {
                return stream;
            }
        }

        throw new InvalidOperationException($"Discovery did not find {name}.");
    }

    /// <summary>Every row a read returns, in the order the source returns them.</summary>
    protected static async Task<List<object?[]>> ReadAsync(ISource source, ReadRequest request)
    {
        var rows = new List<object?[]>();
        await foreach (var batch in source.ReadAsync(request, CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        return rows;
    }

    /// <summary>Reads a table through the connector's source (discovery, then a full read), ordered by the first column.</summary>
    protected static async Task<IReadOnlyList<object?[]>> ReadThroughConnectorAsync(ComplianceTarget target, string name)
    {
        var source = RequireSource(target);
        var stream = await FindStreamAsync(source, target, name);
        var rows = new List<object?[]>();
        await foreach (var batch in source.ReadAsync(new ReadRequest(stream, []), CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        return [.. rows.OrderBy(r => r[0], ComplianceData.ValueComparer)];
    }
}
