using System.Collections.Immutable;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.MySql;

/// <summary>Writing what MySQL has no type for, and names with backticks.</summary>
public sealed class MySqlDestinationTests(MySqlFixture server) : IClassFixture<MySqlFixture>
{
    [MySqlFact]
    public async Task Write_TypesMySqlLacks_StoredAsDocumentedAndReadBack()
    {
        var database = await server.CreateDatabaseAsync("lacks");
        await using var connection = server.CreateConnection(database);
        ImmutableArray<ColumnSchema> columns =
        [
            new("id", ColumnType.Int64, false), new("at", ColumnType.TimestampTz), new("clock", ColumnType.Time), new("span", ColumnType.Interval),
            new("ref", ColumnType.Uuid), new("tags", ColumnType.List(ColumnType.String)),
        ];
        var instant = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1230);
        var guid = Guid.Parse("0b1e2f3a-4c5d-6e7f-8091-a2b3c4d5e6f7");

        await WriteAsync(connection, database, "lacking", columns, [[1L, instant, new TimeOnly(13, 45, 1), new Interval(14, -3, 5_000_000), guid, new object?[] { "a", null }]]);
        var stream = await MySqlTypeTests.DiscoverAsync(connection, "lacking");
        var rows = await MySqlTypeTests.ReadAsync(connection, stream);

        Assert.Equal(["int64", "timestamp", "interval", "string", "string", "json"], stream.Columns.Select(c => c.Type.ToString()));
        ComplianceData.AssertRows(
            [[1L, instant.UtcDateTime, new Interval(0, 0, ((13L * 3600) + (45 * 60) + 1) * 1_000_000), "P14M-3DT5S", guid.ToString("D"), "[\"a\",null]"]],
            rows,
            stream.Columns);
    }

    [MySqlFact]
    public async Task Merge_BacktickedNames_QuotedAndUpserted()
    {
        var database = await server.CreateDatabaseAsync("tick");
        await using var connection = server.CreateConnection(database);
        ImmutableArray<ColumnSchema> columns = [new("k`ey", ColumnType.String, false), new("v`al`", ColumnType.Int32)];
        const string table = "we`ird` table";

        await WriteAsync(connection, database, table, columns, [["a", 1], ["b", 2]], WriteMode.Merge);
        var result = await WriteAsync(connection, database, table, columns, [["b", 20], ["B", 3]], WriteMode.Merge);

        Assert.Equal((1L, 1L), (result.RowsInserted, result.RowsUpdated));
        var stream = await MySqlTypeTests.DiscoverAsync(connection, table);
        Assert.Equal(["k`ey"], stream.PrimaryKey.ToArray());
        ComplianceData.AssertRows([["B", 3], ["a", 1], ["b", 20]], await MySqlTypeTests.ReadAsync(connection, stream), columns);
    }

    [MySqlFact]
    public async Task Merge_EveryColumnInTheKeyAndARepeatedRow_InsertsItOnce()
    {
        var database = await server.CreateDatabaseAsync("allkey");
        await using var connection = server.CreateConnection(database);
        ImmutableArray<ColumnSchema> columns = [new("tag", ColumnType.String, false)];

        await using var writer = await connection.OpenWriterAsync(new WriteRequest("t", "tags", new StreamId(database, "tags"), columns, WriteMode.Merge, ["tag"]), CancellationToken.None);
        await writer.WriteAsync(ComplianceData.Batch(columns, [["a"], ["b"], ["a"]]), CancellationToken.None);
        var result = await writer.CommitAsync(null, CancellationToken.None);

        Assert.Equal((3L, 2L), (result.RowsWritten, result.RowsInserted));
        ComplianceData.AssertRows([["a"], ["b"]], await MySqlTypeTests.ReadAsync(connection, await MySqlTypeTests.DiscoverAsync(connection, "tags")), columns);
    }

    private static async Task<WriteResult> WriteAsync(
        IDestination destination, string database, string table, ImmutableArray<ColumnSchema> columns, IReadOnlyList<object?[]> rows, WriteMode mode = WriteMode.FullRefresh)
    {
        await using var writer = await destination.OpenWriterAsync(new WriteRequest("t", table, new StreamId(database, table), columns, mode, [columns[0].Name]), CancellationToken.None);
        await writer.WriteAsync(ComplianceData.Batch(columns, rows), CancellationToken.None);
        return await writer.CommitAsync(null, CancellationToken.None);
    }
}
