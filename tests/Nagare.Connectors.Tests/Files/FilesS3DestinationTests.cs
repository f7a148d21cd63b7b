using System.Collections.Immutable;
using System.Security.Cryptography;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.Files;

/// <summary>
/// A files connection on <c>s3://bucket/prefix</c> as a destination, against a real s3rver: the same files as in a
/// folder, full refresh and append, state kept under the prefix, and failures that leave the previous commit whole.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FilesS3DestinationTests
{
    private static readonly ImmutableArray<ColumnSchema> Columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String)];

    [S3Theory]
    [InlineData("csv", "gzip", 40_000L)]
    [InlineData("tsv", null, 40_000L)]
    [InlineData("ndjson", null, 40_000L)]
    [InlineData("parquet", "zstd", 40_000L)]
    [InlineData("csv", null, null)]
    public async Task FullRefreshThenAppend_SameBytesAsTheSameWritesIntoAFolder(string format, string? compression, long? maxRows)
    {
        using var kit = new FilesTestKit();
        await using var server = await S3rverServer.StartAsync("out");
        var options = new FilesConnectorOptions(kit.Root, format, compression) { MaxRowsPerFile = maxRows };
        await using var local = kit.Connection(options);
        await using var s3 = Connection(options, server.Options("out", "exports") with { PartSize = 5 << 20 });

        // 150,000 rows of about 60 bytes: parts of 40,000 rows, or without a limit one CSV part of 9 MB that goes up
        // (and is copied in place) in two parts.
        foreach (var files in new[] { local, s3 })
        {
            await WriteAsync(files, "orders", WriteMode.FullRefresh, null, [Rows(1, 90_000, pad: 40), Rows(90_001, 150_000, pad: 40)]);
            await WriteAsync(files, "orders", WriteMode.Append, null, [Rows(150_001, 150_010, pad: 40)]);
        }

        var keys = await server.KeysAsync("out");
        Assert.Equal(kit.Files().Select(f => "exports/" + f), keys);
        Assert.Equal(maxRows is null ? 2 : 5, keys.Count);
        foreach (var file in kit.Files())
        {
            Assert.Equal(Sha256(await File.ReadAllBytesAsync(Path.Combine(kit.Root, file))), Sha256(await server.DownloadAsync("out", "exports/" + file)));
        }
    }

    [S3Fact]
    public async Task FullRefresh_ReplacesTheOldSet_AndAppendNumbersAfterIt()
    {
        await using var server = await S3rverServer.StartAsync("out");
        await using var s3 = Connection(new FilesConnectorOptions("s3", "csv") { MaxRowsPerFile = 2 }, server.Options("out", "exports"));
        using var store = new Nagare.Connectors.ObjectStorage.S3ObjectStore(server.Options("out"), TimeProvider.System);
        await store.PutAsync("exports/s/notes.txt", "keep me"u8.ToArray(), "text/plain", CancellationToken.None);

        await WriteAsync(s3, "s", WriteMode.FullRefresh, null, [Rows(1, 5)]);
        var first = await server.KeysAsync("out");
        await WriteAsync(s3, "s", WriteMode.FullRefresh, null, [Rows(6, 8)]);
        await WriteAsync(s3, "s", WriteMode.Append, null, [Rows(9, 9)]);

        Assert.Equal(["exports/s/notes.txt", "exports/s/s_00001.csv", "exports/s/s_00002.csv", "exports/s/s_00003.csv"], first);
        Assert.Equal(["exports/s/notes.txt", "exports/s/s_00001.csv", "exports/s/s_00002.csv", "exports/s/s_00003.csv"], await server.KeysAsync("out"));
        Assert.Equal(
            ["id,name\n6,name 6\n7,name 7\n", "id,name\n8,name 8\n", "id,name\n9,name 9\n"],
            await Task.WhenAll(new[] { 1, 2, 3 }.Select(async i => System.Text.Encoding.UTF8.GetString(await server.DownloadAsync("out", $"exports/s/s_0000{i}.csv")))));
    }

    [S3Fact]
    public async Task State_IsKeptUnderThePrefix_ReadByANewConnection_ListedAndReset()
    {
        await using var server = await S3rverServer.StartAsync("out");
        var storage = server.Options("out", "exports");
        await using (var s3 = Connection(new FilesConnectorOptions("s3", "ndjson"), storage))
        {
            Assert.Null(await s3.LoadStateAsync("sync", "s", CancellationToken.None));
            await WriteAsync(s3, "s", WriteMode.Incremental, State("2"), [Rows(1, 2)]);
            await WriteAsync(s3, "t", WriteMode.Incremental, State("7"), [Rows(1, 7)]);
        }

        await using var again = Connection(new FilesConnectorOptions("s3", "ndjson"), storage);
        var loaded = await again.LoadStateAsync("sync", "s", CancellationToken.None);
        var listed = await again.ListStatesAsync("sync", CancellationToken.None);
        var reset = await again.ResetStateAsync("sync", "s", CancellationToken.None);

        Assert.Equal(("2", "id"), (loaded!.Cursor, loaded.CursorColumn));
        Assert.Equal([("s", "2"), ("t", "7")], listed.Select(s => (s.Stream, s.State.Cursor)));
        Assert.All(listed, s => Assert.NotNull(s.UpdatedAt));
        Assert.True(reset);
        Assert.Null(await again.LoadStateAsync("sync", "s", CancellationToken.None));
        Assert.Equal("7", (await again.LoadStateAsync("sync", "t", CancellationToken.None))!.Cursor);
        Assert.Equal(["exports/_nagare_state/sync.json", "exports/s/s_00001.ndjson", "exports/t/t_00001.ndjson"], await server.KeysAsync("out"));
    }

    [S3Fact]
    public async Task DescribeAsync_DescribesTheNewestObjectOfTheSet_AndAppendChecksTypesAgainstIt()
    {
        await using var server = await S3rverServer.StartAsync("out");
        await using var s3 = Connection(new FilesConnectorOptions("s3"), server.Options("out", "exports"));

        Assert.Null(await s3.DescribeAsync(new StreamId(null, "s"), CancellationToken.None));
        await WriteAsync(s3, "s", WriteMode.FullRefresh, null, [Rows(1, 3)]);
        var described = await s3.DescribeAsync(new StreamId(null, "s"), CancellationToken.None);
        var changed = await Assert.ThrowsAsync<SchemaChangeException>(() => s3.OpenWriterAsync(
            new WriteRequest("sync", "s", new StreamId(null, "s"), [new("id", ColumnType.String), new("name", ColumnType.String)], WriteMode.Append, []), CancellationToken.None));

        Assert.Equal([("id", ColumnType.Int64), ("name", ColumnType.String)], described!.Columns.Select(c => (c.Name, c.Type)));
        Assert.StartsWith("Stream 's': column 'id' is int64 in the existing files but string now", changed.Message, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task Commit_OnePartFailsToUpload_LeavesThePreviousFilesAndState_AndNamesTheObject()
    {
        await using var server = await S3rverServer.StartAsync("out");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        await using var s3 = Proxied(server, proxy, retries: 0);
        await WriteAsync(s3, "s", WriteMode.Incremental, State("3"), [Rows(1, 3)]);
        var before = await ContentsAsync(server);
        proxy.FailOnce((method, url) => method == "PUT" && url.Contains("/parts/s/s_00004.csv", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<ConnectorException>(() => WriteAsync(s3, "s", WriteMode.Incremental, State("9"), [Rows(4, 9)]));

        Assert.Matches(
            @"^Stream 's': the upload of 's/s_00004\.csv' failed: s3://out/exports/: upload of exports/\.nagare-[0-9a-f]{32}/parts/s/s_00004\.csv failed: InternalError \(HTTP 500\): injected failure\. " +
            @"Nothing was committed: the files and state under s3://out/exports/ are as before\.$",
            e.Message);
        Assert.Equal(before, await ContentsAsync(server));
        await using var fresh = Direct(server);
        Assert.Equal("3", (await fresh.LoadStateAsync("sync", "s", CancellationToken.None))!.Cursor);
    }

    [S3Fact]
    public async Task Commit_ServerGoesAwayMidUpload_LeavesThePreviousFilesAndState_WithStagedPartsHiddenForADay()
    {
        await using var server = await S3rverServer.StartAsync("out");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        await using var s3 = Proxied(server, proxy, retries: 1);
        await WriteAsync(s3, "s", WriteMode.FullRefresh, null, [Rows(1, 3)]);
        await WriteAsync(s3, "s", WriteMode.Incremental, State("3"), []);
        var before = await ContentsAsync(server);
        var uploads = 0;
        proxy.OnRequest = (method, url) =>
        {
            if (method == "PUT" && url.Contains("/parts/", StringComparison.Ordinal) && Interlocked.Increment(ref uploads) == 2)
            {
                proxy.FailFrom = 0; // this request and every one after it
            }
        };

        var e = await Assert.ThrowsAsync<ConnectorException>(() => WriteAsync(s3, "s", WriteMode.FullRefresh, State("9"), [Rows(10, 19)]));

        Assert.StartsWith("Stream 's': the upload of 's/s_00002.csv' failed: s3://out/exports/: upload of exports/.nagare-", e.Message, StringComparison.Ordinal);
        Assert.Contains("/parts/s/s_00002.csv failed after 2 attempts: ServiceUnavailable (HTTP 503): injected outage. Nothing was committed: the files and state under s3://out/exports/ are as before; the parts uploaded so far could not be deleted", e.Message, StringComparison.Ordinal);
        var after = await ContentsAsync(server);
        Assert.Equal(before, after.Where(f => !f.Key.StartsWith("exports/.nagare-", StringComparison.Ordinal)).ToDictionary());
        Assert.Equal(["s/s_00001.csv"], after.Keys.Where(k => k.StartsWith("exports/.nagare-", StringComparison.Ordinal)).Select(k => k[(k.IndexOf("/parts/", StringComparison.Ordinal) + 7)..]));
        await using var fresh = Direct(server);
        var stream = await FilesTestKit.StreamAsync(fresh, "s");
        Assert.Equal(["1", "2", "3"], (await FilesTestKit.ReadAllAsync(fresh.ReadAsync(new ReadRequest(stream, [stream.Find("id")!]), CancellationToken.None))).Select(r => Convert.ToString(r[0], System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
        Assert.Equal("3", (await fresh.LoadStateAsync("sync", "s", CancellationToken.None))!.Cursor);
        Assert.Contains(await server.KeysAsync("out"), k => k.StartsWith("exports/.nagare-", StringComparison.Ordinal));
        await using var dayLater = Direct(server, new LaterClock(TimeSpan.FromHours(25)));
        Assert.Equal("3", (await dayLater.LoadStateAsync("sync", "s", CancellationToken.None))!.Cursor);
        Assert.Equal(before.Keys, await server.KeysAsync("out"));
    }

    [S3Fact]
    public async Task Commit_StopsAfterTheDecision_IsFinishedByTheNextUseOfTheDestination()
    {
        await using var server = await S3rverServer.StartAsync("out");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        await using var s3 = Proxied(server, proxy, retries: 0);
        await WriteAsync(s3, "s", WriteMode.Incremental, State("3"), [Rows(1, 3)]);
        // The copy of the second new part into place fails: the commit is recorded, its parts staged.
        proxy.FailOnce((method, url) => method == "PUT" && url.Contains("/exports/s/s_00004.csv", StringComparison.Ordinal) && !url.Contains(".nagare-", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<ConnectorException>(() => WriteAsync(s3, "s", WriteMode.Incremental, State("6"), [Rows(4, 6)]));
        var between = await server.KeysAsync("out");
        await using var next = Direct(server);
        var stateBefore = await next.ListStatesAsync("sync", CancellationToken.None);
        var state = await next.LoadStateAsync("sync", "s", CancellationToken.None);

        Assert.Matches(@"^Stream 's': the new files are uploaded and the commit is recorded in s3://out/exports/\.nagare-[0-9a-f]{32}/, but putting them in place failed: .*copy of exports/\.nagare-[0-9a-f]{32}/parts/s/s_00004\.csv to exports/s/s_00004\.csv failed", e.Message);
        Assert.Contains(between, k => k.EndsWith("/commit.json", StringComparison.Ordinal));
        Assert.DoesNotContain("exports/s/s_00004.csv", between);
        Assert.Equal("3", stateBefore.Single().State.Cursor);
        Assert.Equal("6", state!.Cursor);
        Assert.Equal(["exports/_nagare_state/sync.json", "exports/s/s_00001.csv", "exports/s/s_00002.csv", "exports/s/s_00003.csv", "exports/s/s_00004.csv"], await server.KeysAsync("out"));
        Assert.Equal(
            ["id,name\n4,name 4\n5,name 5\n", "id,name\n6,name 6\n"],
            [System.Text.Encoding.UTF8.GetString(await server.DownloadAsync("out", "exports/s/s_00003.csv")), System.Text.Encoding.UTF8.GetString(await server.DownloadAsync("out", "exports/s/s_00004.csv"))]);
    }

    private static FilesConnection Connection(FilesConnectorOptions options, Nagare.Connectors.ObjectStorage.ObjectStorageOptions storage, TimeProvider? time = null) =>
        new("out", options with { Root = storage.Display, ObjectStorage = storage }, time);

    /// <summary>CSV parts of two rows, uploaded one request at a time through <paramref name="proxy"/>.</summary>
    private static FilesConnection Proxied(S3rverServer server, S3FaultProxy proxy, int retries) =>
        Connection(new FilesConnectorOptions("s3", "csv") { MaxRowsPerFile = 2 }, server.Options("out", "exports") with { Endpoint = proxy.Endpoint, Retries = retries, ParallelUploads = 1 });

    /// <summary>A new connection on the same prefix, straight to the server: what the next run sees.</summary>
    private static FilesConnection Direct(S3rverServer server, TimeProvider? time = null) => Connection(new FilesConnectorOptions("s3", "csv"), server.Options("out", "exports"), time);

    private static StreamState State(string cursor) => new(cursor, "id", [], ImmutableDictionary<string, string>.Empty);

    private static object?[][] Rows(int from, int to, int pad = 0) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new object?[] { (long)i, "name " + i + new string('x', pad) })];

    private static async Task WriteAsync(FilesConnection files, string stream, WriteMode mode, StreamState? state, IReadOnlyList<object?[][]> batches)
    {
        await using var writer = await files.OpenWriterAsync(new WriteRequest("sync", stream, new StreamId(null, stream), Columns, mode, []), CancellationToken.None);
        foreach (var rows in batches)
        {
            await writer.WriteAsync(FilesTestKit.Batch(Columns, rows), CancellationToken.None);
        }

        await writer.CommitAsync(state, CancellationToken.None);
    }

    /// <summary>Every object of bucket <c>out</c>: key → SHA-256 of its bytes.</summary>
    private static async Task<Dictionary<string, string>> ContentsAsync(S3rverServer server)
    {
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in await server.KeysAsync("out"))
        {
            contents[key] = Sha256(await server.DownloadAsync("out", key));
        }

        return contents;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The system's clock, <paramref name="ahead"/> later: what a run a day after a failure sees.</summary>
    private sealed class LaterClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }
}
