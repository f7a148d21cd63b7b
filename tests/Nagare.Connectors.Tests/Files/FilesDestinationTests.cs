using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

public sealed class FilesDestinationTests
{
    private static readonly ImmutableArray<ColumnSchema> Columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String)];

    [Fact]
    public async Task CommitAsync_Csv_WritesRfc4180QuotingAndIsoTimes()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, Format: "csv") { FileNameTemplate = "{stream}.{ext}" });
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("text", ColumnType.String), new("at", ColumnType.TimestampTz), new("amount", ColumnType.Decimal(10, 2)), new("day", ColumnType.Date)];
        object?[][] rows =
        [
            [1L, "plain", new DateTimeOffset(2024, 1, 2, 3, 4, 5, 6, 7, TimeSpan.Zero), 1.50m, new DateOnly(2024, 1, 2)],
            [2L, "a,\"b\"\nc", new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), -0.01m, null],
            [3L, "", null, null, null],
        ];

        await WriteAsync(files, "t", columns, WriteMode.FullRefresh, [rows]);

        Assert.Equal(
            "id,text,at,amount,day\n1,plain,2024-01-02T03:04:05.006007Z,1.50,2024-01-02\n2,\"a,\"\"b\"\"\nc\",2024-01-02T03:04:05Z,-0.01,\n3,\"\",,,\n",
            File.ReadAllText(Path.Combine(kit.Root, "t.csv")));
    }

    [Theory]
    [InlineData("csv", "at,data,x\n2024-01-02T03:04:05.123456Z,\\x00ff,NaN\n")]
    [InlineData("ndjson", "{\"at\":\"2024-01-02T03:04:05.123456Z\",\"data\":\"AP8=\",\"x\":\"NaN\"}\n")]
    public async Task CommitAsync_TimestampTzBytesAndNaN_WritesCanonicalForms(string format, string expected)
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, format) { FileNameTemplate = "{stream}.{ext}" });
        ImmutableArray<ColumnSchema> columns = [new("at", ColumnType.TimestampTz), new("data", ColumnType.Bytes), new("x", ColumnType.Float64)];
        var at = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567);

        await WriteAsync(files, "t", columns, WriteMode.FullRefresh, [[[at, new byte[] { 0, 255 }, double.NaN]]]);

        Assert.Equal(expected, File.ReadAllText(Path.Combine(kit.Root, "t." + format)));
    }

    [Fact]
    public async Task CommitAsync_MaxRowsPerFile_SplitsIntoTemplatedParts()
    {
        using var kit = new FilesTestKit();
        var time = new FixedTime(new DateTimeOffset(2024, 3, 9, 12, 0, 0, TimeSpan.Zero));
        var options = new FilesConnectorOptions(kit.Root, Format: "ndjson") { MaxRowsPerFile = 4, FileNameTemplate = "{stream}/{stream}_{date:yyyyMMdd}_{part:0000}.{ext}" };
        await using var files = new FilesConnection("out", options, time);

        await WriteAsync(files, "orders", Columns, WriteMode.FullRefresh, [Rows(1, 6), Rows(7, 10)]);

        Assert.Equal(["orders/orders_20240309_0001.ndjson", "orders/orders_20240309_0002.ndjson", "orders/orders_20240309_0003.ndjson"], kit.Files());
        Assert.Equal([4, 4, 2], kit.Files().Select(f => File.ReadAllLines(Path.Combine(kit.Root, f)).Length));
        Assert.Equal("{\"id\":1,\"name\":\"name 1\"}", File.ReadAllLines(Path.Combine(kit.Root, kit.Files()[0]))[0]);
    }

    [Theory]
    [InlineData("csv", null, 300)]
    [InlineData("csv", "gzip", 400)]
    [InlineData("json", null, 500)]
    [InlineData("parquet", "zstd", 1200)]
    public async Task CommitAsync_MaxBytesPerFile_EveryFileWithinLimitAndEveryRowOnce(string format, string? compression, long limit)
    {
        using var kit = new FilesTestKit();
        var options = new FilesConnectorOptions(kit.Root, format, compression) { MaxBytesPerFile = limit, FileNameTemplate = "x/part-{part:000}.{ext}" };
        await using var files = kit.Connection(options);

        await WriteAsync(files, "s", Columns, WriteMode.FullRefresh, [Rows(1, 300), Rows(301, 500)]);

        var written = kit.Files();
        Assert.True(written.Count > 1, $"expected several parts, got {written.Count}");
        Assert.All(written, f => Assert.True(new FileInfo(Path.Combine(kit.Root, f)).Length <= limit, $"{f} is {new FileInfo(Path.Combine(kit.Root, f)).Length} bytes"));
        Assert.Equal(Enumerable.Range(1, written.Count).Select(i => $"x/part-{i:000}.{Extension(format, compression)}"), written);
        var ids = await ReadIdsAsync(kit, "x/*");
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), ids);
    }

    [Fact]
    public async Task WriteAsync_RowLargerThanMaxBytes_ThrowsAndLeavesNoFiles()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "csv") { MaxBytesPerFile = 64 });
        var writer = await files.OpenWriterAsync(Request("s", Columns, WriteMode.FullRefresh), CancellationToken.None);

        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await writer.WriteAsync(FilesTestKit.Batch(Columns, [[1L, "short"], [2L, new string('x', 100)]]), CancellationToken.None);
            await writer.CommitAsync(null, CancellationToken.None);
        });
        await writer.DisposeAsync();

        Assert.Contains("Row 2 of stream 's' needs 111 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(kit.Files());
        Assert.Empty(Directory.EnumerateFileSystemEntries(kit.Root));
    }

    [Fact]
    public async Task CommitAsync_ParallelWriters_WriteEveryRowOnceAcrossParts()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "csv", "gzip") { ParallelWriters = 4, MaxRowsPerFile = 10_000 });

        await WriteAsync(files, "big", Columns, WriteMode.FullRefresh, [.. Enumerable.Range(0, 20).Select(i => Rows((i * 5000) + 1, (i + 1) * 5000))]);

        Assert.True(kit.Files().Count >= 10);
        Assert.All(kit.Files(), f => Assert.Matches(@"^big/big_\d{5}\.csv\.gz$", f));
        Assert.Equal(5_000_050_000L, FilesTestKit.Scalar<long>($"SELECT sum(id) FROM read_csv({kit.Sql("big/*.csv.gz")})"));
        Assert.Equal(100_000L, FilesTestKit.Scalar<long>($"SELECT count(DISTINCT id) FROM read_csv({kit.Sql("big/*.csv.gz")})"));
        using var first = new GZipStream(File.OpenRead(Path.Combine(kit.Root, kit.Files()[0])), CompressionMode.Decompress);
        using var reader = new StreamReader(first, Encoding.UTF8);
        Assert.Equal("id,name", reader.ReadLine());
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_LeavesOldFilesAndNoTemporaries()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "parquet") { MaxRowsPerFile = 2 });
        await WriteAsync(files, "s", Columns, WriteMode.FullRefresh, [Rows(1, 3)]);
        var before = kit.Files();

        await using (var writer = await files.OpenWriterAsync(Request("s", Columns, WriteMode.FullRefresh), CancellationToken.None))
        {
            await writer.WriteAsync(FilesTestKit.Batch(Columns, Rows(10, 20)), CancellationToken.None);
        }

        Assert.Equal(["s/s_00001.parquet", "s/s_00002.parquet"], before);
        Assert.Equal(before, kit.Files());
        Assert.Equal([1L, 2L, 3L], await ReadIdsAsync(kit, "s/*"));
    }

    [Fact]
    public async Task CommitAsync_FullRefreshThenAppend_ReplacesSetThenAddsNumberedParts()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "csv") { MaxRowsPerFile = 2 });
        kit.Write("s/unrelated.txt", "keep me");

        await WriteAsync(files, "s", Columns, WriteMode.FullRefresh, [Rows(1, 5)]);
        await WriteAsync(files, "s", Columns, WriteMode.FullRefresh, [Rows(6, 8)]);
        await WriteAsync(files, "s", Columns, WriteMode.Append, [Rows(9, 9)]);

        Assert.Equal(["s/s_00001.csv", "s/s_00002.csv", "s/s_00003.csv", "s/unrelated.txt"], kit.Files());
        Assert.Equal([6L, 7L, 8L, 9L], await ReadIdsAsync(kit, "s/*.csv"));
    }

    [Fact]
    public async Task CommitAsync_IncrementalState_IsStoredAndLoaded()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "ndjson"));
        var state = new StreamState("2024-01-02T03:04:05Z", "updated_at", [], ImmutableDictionary<string, string>.Empty.Add("files", "a.csv"));

        await using (var writer = await files.OpenWriterAsync(Request("s", Columns, WriteMode.Incremental), CancellationToken.None))
        {
            await writer.WriteAsync(FilesTestKit.Batch(Columns, Rows(1, 2)), CancellationToken.None);
            await writer.CommitAsync(state, CancellationToken.None);
        }

        var loaded = await files.LoadStateAsync("sync", "s", CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(state.Cursor, loaded.Cursor);
        Assert.Equal(state.CursorColumn, loaded.CursorColumn);
        Assert.Equal("a.csv", loaded.Extra["files"]);
        Assert.Null(await files.LoadStateAsync("sync", "other", CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(kit.Root, "_nagare_state", "sync.json")));
    }

    [Fact]
    public async Task LoadStateAsync_FileWrittenBeforeTheVersionedForm_IsReadAndRewrittenVersioned()
    {
        using var kit = new FilesTestKit();
        var folder = Path.Combine(kit.Root, "_nagare_state");
        Directory.CreateDirectory(folder);
        var old = new Dictionary<string, StreamState> { ["s"] = new("41", "id", [], ImmutableDictionary<string, string>.Empty.Add("files", "a.csv")) };
        File.WriteAllText(Path.Combine(folder, "sync.json"), System.Text.Json.JsonSerializer.Serialize(old, Nagare.Core.Json.JsonFormat.IndentedSerializer));
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "ndjson"));

        var loaded = await files.LoadStateAsync("sync", "s", CancellationToken.None);
        await using (var writer = await files.OpenWriterAsync(Request("t", Columns, WriteMode.Incremental), CancellationToken.None))
        {
            await writer.WriteAsync(FilesTestKit.Batch(Columns, Rows(1, 1)), CancellationToken.None);
            await writer.CommitAsync(new StreamState("7", "id", [], ImmutableDictionary<string, string>.Empty), CancellationToken.None);
        }

        Assert.Equal(("41", "id", "a.csv"), (loaded!.Cursor, loaded.CursorColumn, loaded.Extra["files"]));
        using var rewritten = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "sync.json")));
        Assert.Equal(1, rewritten.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("41", rewritten.RootElement.GetProperty("streams").GetProperty("s").GetProperty("cursor").GetString());
        Assert.Equal("7", rewritten.RootElement.GetProperty("streams").GetProperty("t").GetProperty("cursor").GetString());
        Assert.Equal(["s", "t"], (await files.ListStatesAsync("sync", CancellationToken.None)).Select(s => s.Stream));
    }

    [Fact]
    public async Task CommitAsync_HostileStreamAndColumnNames_RoundTripThroughReader()
    {
        using var kit = new FilesTestKit();
        ImmutableArray<ColumnSchema> columns = [new("select", ColumnType.Int64), new("a \"quoted\", name", ColumnType.String), new("名前 ü", ColumnType.Float64)];
        var options = new FilesConnectorOptions(kit.Root, "csv") { FileNameTemplate = "{stream}.{ext}" };
        await using var files = kit.Connection(options);

        await WriteAsync(files, "my 'orders' ü", columns, WriteMode.FullRefresh, [[[1L, "x,y", 1.5], [2L, null, double.NaN]]]);
        var stream = await FilesTestKit.StreamAsync(files, "my 'orders' ü");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(3)]), CancellationToken.None));

        Assert.Equal(["my 'orders' ü.csv"], kit.Files());
        Assert.Equal(columns.Select(c => c.Name), stream.Columns.Take(3).Select(c => c.Name));
        Assert.Equal([1L, "x,y", 1.5], rows[0]);
        Assert.Equal(2L, rows[1][0]);
        Assert.Null(rows[1][1]);
        Assert.True(double.IsNaN((double)rows[1][2]!));
    }

    [Fact]
    public async Task DescribeAsync_WrittenParquet_ReportsColumns()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection();
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("amount", ColumnType.Decimal(12, 2)), new("id2", ColumnType.Uuid), new("at", ColumnType.TimestampTz)];

        Assert.Null(await files.DescribeAsync(new StreamId(null, "facts"), CancellationToken.None));
        await WriteAsync(files, "facts", columns, WriteMode.FullRefresh, [[[1L, 1.25m, Guid.NewGuid(), DateTimeOffset.UnixEpoch]]]);
        var described = await files.DescribeAsync(new StreamId(null, "facts"), CancellationToken.None);

        Assert.NotNull(described);
        Assert.Equal(columns.Select(c => (c.Name, c.Type)), described.Columns.Select(c => (c.Name, c.Type)));
    }

    [Fact]
    public async Task OpenWriterAsync_Merge_ThrowsSayingWhichModesWork()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection();

        var error = await Assert.ThrowsAsync<ConnectorException>(() => files.OpenWriterAsync(Request("s", Columns, WriteMode.Merge), CancellationToken.None));

        Assert.Equal("A files destination cannot write s with mode merge; it writes append, full_refresh, incremental.", error.Message);
    }

    private static async Task<List<long>> ReadIdsAsync(FilesTestKit kit, string glob)
    {
        await using var reader = kit.Connection(new FilesConnectorOptions(kit.Root) { Streams = new Dictionary<string, string> { ["check"] = glob } });
        var stream = await FilesTestKit.StreamAsync(reader, "check");
        var rows = await FilesTestKit.ReadAllAsync(reader.ReadAsync(new ReadRequest(stream, [stream.Find("id")!]), CancellationToken.None));
        return [.. rows.Select(r => (long)r[0]!).Order()];
    }

    private static string Extension(string format, string? compression) =>
        format == "parquet" ? "parquet" : compression == "gzip" ? format + ".gz" : format;

    private static object?[][] Rows(int from, int to) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new object?[] { (long)i, "name " + i })];

    private static WriteRequest Request(string stream, ImmutableArray<ColumnSchema> columns, WriteMode mode) =>
        new("sync", stream, new StreamId(null, stream), columns, mode, []);

    private static async Task WriteAsync(FilesConnection files, string stream, ImmutableArray<ColumnSchema> columns, WriteMode mode, IReadOnlyList<object?[][]> batches)
    {
        await using var writer = await files.OpenWriterAsync(Request(stream, columns, mode), CancellationToken.None);
        foreach (var rows in batches)
        {
            await writer.WriteAsync(FilesTestKit.Batch(columns, rows), CancellationToken.None);
        }

        await writer.CommitAsync(null, CancellationToken.None);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
