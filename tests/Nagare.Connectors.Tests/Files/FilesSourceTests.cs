using System.Collections.Immutable;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

public sealed class FilesSourceTests
{
    [Fact]
    public async Task ReadAsync_Csv_ValuesAndTypesSniffed()
    {
        using var kit = new FilesTestKit();
        kit.Write("orders.csv", "id,name,amount,day,at\n1,apple,1.50,2024-01-02,2024-01-02 03:04:05.123456\n2,\"b,\"\"q\"\"\",,2024-02-03,2024-02-03 00:00:00\n");
        await using var files = kit.Connection();

        var stream = await FilesTestKit.StreamAsync(files, "orders");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, []), CancellationToken.None));

        Assert.Equal(["id", "name", "amount", "day", "at", "_file", "_file_modified"], stream.Columns.Select(c => c.Name));
        Assert.Equal(ColumnType.Int64, stream.Columns[0].Type);
        Assert.Equal(ColumnType.String, stream.Columns[1].Type);
        Assert.Equal(ColumnType.Float64, stream.Columns[2].Type);
        Assert.Equal(ColumnType.Date, stream.Columns[3].Type);
        Assert.Equal(ColumnType.Timestamp, stream.Columns[4].Type);
        Assert.Equal(2, rows.Count);
        Assert.Equal([1L, "apple", 1.5, new DateOnly(2024, 1, 2), new DateTime(2024, 1, 2, 3, 4, 5, 123, 456), "orders.csv"], rows[0][..6]);
        Assert.Equal("b,\"q\"", rows[1][1]);
        Assert.Null(rows[1][2]);
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(kit.Root, "orders.csv")), ((DateTimeOffset)rows[0][6]!).UtcDateTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ReadAsync_TsvGzip_DecompressesAndSplitsOnTabs()
    {
        using var kit = new FilesTestKit();
        FilesTestKit.DuckDb($"COPY (SELECT i AS id, 'name ' || i AS name FROM range(1, 1001) t(i)) TO {kit.Sql("people.tsv.gz")} (FORMAT csv, DELIMITER '\t', HEADER, COMPRESSION gzip)");
        await using var files = kit.Connection();

        var stream = await FilesTestKit.StreamAsync(files, "people");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [stream.Columns[1], stream.Columns[0]]), CancellationToken.None));

        Assert.Equal(1000, rows.Count);
        Assert.Equal(["name 1", 1L], rows.OrderBy(r => (long)r[1]!).First());
        Assert.Equal(500500L, rows.Sum(r => (long)r[1]!));
    }

    [Fact]
    public async Task ReadAsync_Ndjson_KeepsNestedTypes()
    {
        using var kit = new FilesTestKit();
        kit.Write("events.ndjson",
            "{\"id\":1,\"ts\":\"2024-01-02T03:04:05.123456Z\",\"tags\":[\"a\",\"b\"],\"meta\":{\"x\":1}}\n" +
            "\n" +
            "{\"id\":2,\"ts\":null,\"tags\":[],\"meta\":null}\n");
        await using var files = kit.Connection();

        var stream = await FilesTestKit.StreamAsync(files, "events");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(4)]), CancellationToken.None));

        Assert.Equal(ColumnType.List(ColumnType.String), stream.Columns[2].Type);
        Assert.Equal(ColumnKind.Struct, stream.Columns[3].Type.Kind);
        Assert.Equal(2, rows.Count);
        Assert.Equal(1L, rows[0][0]);
        Assert.Equal(new object?[] { "a", "b" }, (object?[])rows[0][2]!);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, object?>)rows[0][3]!)["x"]);
        Assert.Empty((object?[])rows[1][2]!);
        Assert.Null(rows[1][3]);
    }

    [Fact]
    public async Task ReadAsync_JsonArray_ReadsEveryElement()
    {
        using var kit = new FilesTestKit();
        kit.Write("items.json", "[\n  {\"sku\": \"A-1\", \"qty\": 3},\n  {\"sku\": \"B-2\", \"qty\": 5}\n]\n");
        await using var files = kit.Connection();

        var stream = await FilesTestKit.StreamAsync(files, "items");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(2)]), CancellationToken.None));

        Assert.Equal([["A-1", 3L], ["B-2", 5L]], rows);
    }

    [Fact]
    public async Task ReadAsync_Parquet_KeepsDecimalUuidAndTimestampTz()
    {
        using var kit = new FilesTestKit();
        FilesTestKit.DuckDb(
            "SET TimeZone = 'UTC'; COPY (SELECT 12345678901234.56::DECIMAL(16,2) AS amount, '0b4c8f0e-93cd-4b1f-8d2a-1f3c5e7a9b11'::UUID AS id, " +
            $"TIMESTAMPTZ '2024-05-06 07:08:09.654321+00' AS at, NULL::INTEGER AS missing) TO {kit.Sql("facts.parquet")} (FORMAT parquet)");
        await using var files = kit.Connection();

        var stream = await FilesTestKit.StreamAsync(files, "facts");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(4)]), CancellationToken.None));

        Assert.Equal(ColumnType.Decimal(16, 2), stream.Columns[0].Type);
        Assert.Equal(ColumnType.Uuid, stream.Columns[1].Type);
        Assert.Equal(ColumnType.TimestampTz, stream.Columns[2].Type);
        Assert.Equal(DecimalValue.Parse("12345678901234.56"), rows[0][0]);
        Assert.Equal(Guid.Parse("0b4c8f0e-93cd-4b1f-8d2a-1f3c5e7a9b11"), rows[0][1]);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 654, 321, TimeSpan.Zero), rows[0][2]);
        Assert.Null(rows[0][3]);
    }

    [Fact]
    public async Task DiscoverAsync_DefaultLayout_OneStreamPerFileStemAndFolder()
    {
        using var kit = new FilesTestKit();
        kit.Write("customers.csv", "id\n1\n");
        kit.Write("events/2024/01.ndjson", "{\"id\":1}\n");
        kit.Write("events/2024/02.ndjson", "{\"id\":2}\n");
        kit.Write("notes.txt", "not data");
        kit.Write("_nagare_state/sync.json", "{}");
        kit.Write(".nagare-abc/x.csv", "id\n9\n");
        await using var files = kit.Connection();

        var names = new List<string>();
        await foreach (var stream in files.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            names.Add(stream.Id.Name);
        }

        var events = await FilesTestKit.StreamAsync(files, "events");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(events, [events.Find("id")!, events.Find("_file")!]), CancellationToken.None));
        Assert.Equal(["events", "customers"], names);
        Assert.Equal([[1L, "events/2024/01.ndjson"], [2L, "events/2024/02.ndjson"]], rows.OrderBy(r => (long)r[0]!));
    }

    [Fact]
    public async Task ReadAsync_ConfiguredGlobFilterAndFileCursor_ReadsOnlyNewMatchingRows()
    {
        using var kit = new FilesTestKit();
        kit.Write("exports/orders_20240101.csv", "id,total\n1,10\n2,20\n");
        kit.Write("exports/orders_20240102.csv", "id,total\n3,30\n4,40\n");
        kit.Write("exports/returns_20240102.csv", "id,total\n5,50\n");
        var options = new FilesConnectorOptions(kit.Root) { Streams = new Dictionary<string, string> { ["orders"] = "exports/orders_*.csv" } };
        await using var files = kit.Connection(options);
        var stream = await FilesTestKit.StreamAsync(files, "orders");

        var all = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [stream.Find("id")!], Filter: "total >= 20"), CancellationToken.None));
        var newer = await FilesTestKit.ReadAllAsync(files.ReadAsync(
            new ReadRequest(stream, [stream.Find("id")!, stream.Find("_file")!], Cursor: new CursorRange("_file", "exports/orders_20240101.csv")), CancellationToken.None));

        Assert.Equal([2L, 3L, 4L], all.Select(r => (long)r[0]!).Order());
        Assert.Equal([[3L, "exports/orders_20240102.csv"], [4L, "exports/orders_20240102.csv"]], newer.OrderBy(r => (long)r[0]!));
    }

    [Fact]
    public async Task ReadAsync_FileModifiedCursor_SkipsFilesNotNewer()
    {
        using var kit = new FilesTestKit();
        var old = kit.Write("logs/a.csv", "id\n1\n");
        var fresh = kit.Write("logs/b.csv", "id\n2\n");
        File.SetLastWriteTimeUtc(old, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(fresh, new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc));
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "logs");

        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(
            new ReadRequest(stream, [stream.Find("id")!, stream.Find("_file_modified")!], Cursor: new CursorRange("_file_modified", new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero))),
            CancellationToken.None));

        Assert.Equal([[2L, new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero)]], rows);
    }

    [Fact]
    public void Constructor_UnknownFormat_ThrowsNamingIt()
    {
        var error = Assert.Throws<ConnectorException>(() => new FilesConnection("f", new FilesConnectorOptions("/tmp", Format: "xlsx")));

        Assert.Contains("'xlsx'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TypeOverride_ReadsAsRequestedType()
    {
        using var kit = new FilesTestKit();
        kit.Write("prices.csv", "sku,price\nA,1.10\nB,2.25\n");
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "prices");

        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(
            new ReadRequest(stream, ImmutableArray.Create(stream.Columns[0], stream.Columns[1] with { Type = ColumnType.Decimal(10, 2) })), CancellationToken.None));

        Assert.Equal([["A", DecimalValue.Parse("1.10")], ["B", DecimalValue.Parse("2.25")]], rows);
    }
}
