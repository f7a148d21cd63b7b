using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Nagare.Connectors.ObjectStorage;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;
using Nagare.Testing;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// A files connection on <c>s3://</c> as users write it: JSON access logs in a bucket synced into the warehouse file by
/// file, and SQLite synced into a bucket as into a folder.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FilesS3SyncTests : IDisposable
{
    private const string Sync = """
        name: s
        source: logs
        target_schema: lake
        streams:
          - select: access
            mode: incremental
            cursor: _file_modified
        """;

    private readonly TempProject project = new();

    public void Dispose() => project.Dispose();

    [S3Fact]
    public async Task Incremental_NewObjectsOnly_AreReadIntoTheWarehouse()
    {
        await using var server = await S3rverServer.StartAsync("logs");
        using var store = new S3ObjectStore(server.Options("logs"), TimeProvider.System);
        project.Write("nagare.yml", "name: t\n").Write("connections/logs.yml", $"""
            type: files
            path: s3://logs/app
            endpoint: {server.Endpoint}
            access_key_id: {S3rverServer.Credential}
            secret_access_key: {S3rverServer.Credential}
            streams:
              access: "access/**/*.json.gz"
            """);
        await store.PutAsync("app/access/2024/01/01.json.gz", Gzip("{\"path\":\"/a\",\"status\":200}\n{\"path\":\"/b\",\"status\":404}\n"), "application/gzip", CancellationToken.None);

        var first = await project.SyncAsync(Sync);
        await store.PutAsync("app/access/2024/01/02.json.gz", Gzip("{\"path\":\"/c\",\"status\":500}\n"), "application/gzip", CancellationToken.None);
        var second = await project.SyncAsync(Sync);
        var third = await project.SyncAsync(Sync);

        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal([2L, 1L, 0L], new[] { first, second, third }.Select(s => s.Streams[0].RowsWritten));
        Assert.Equal(["/a|200|access/2024/01/01.json.gz", "/b|404|access/2024/01/01.json.gz", "/c|500|access/2024/01/02.json.gz"],
            project.QueryWarehouse("SELECT path, status, _file FROM lake.access ORDER BY path"));
    }

    [S3Fact]
    public async Task Sync_SqliteIntoS3_IncrementalThenFullRefresh_WritesTheFilesItWritesIntoAFolder()
    {
        await using var server = await S3rverServer.StartAsync("out");
        var db = project.PathOf("app.db");
        Sqlite(db, """
            CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount REAL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
            INSERT INTO events SELECT i, 'k' || (i % 3), i * 0.5 FROM n;
            """);
        const string Files = "format: csv\ncompression: gzip\nmax_rows_per_file: 200\n";
        project.Write("nagare.yml", "name: t\n")
            .Write("connections/app.yml", $"type: sqlite\npath: {db}\n")
            .Write("connections/folder.yml", "type: files\npath: folder\n" + Files)
            .Write("connections/bucket.yml", $"type: files\npath: s3://out/lake\nendpoint: {server.Endpoint}\naccess_key_id: {S3rverServer.Credential}\nsecret_access_key: {S3rverServer.Credential}\n" + Files);
        string Body(string destination, string mode) =>
            $"name: s\nsource: app\ndestination: {destination}\nstreams:\n  - select: main.events\n    mode: {mode}\n" + (mode == "incremental" ? "    cursor: id\n" : string.Empty);
        async Task<long[]> BothAsync(string mode) =>
            [(await project.SyncAsync(Body("folder", mode))).Streams[0].RowsWritten, (await project.SyncAsync(Body("bucket", mode))).Streams[0].RowsWritten];

        var first = await BothAsync("incremental");
        Sqlite(db, "INSERT INTO events VALUES (501, 'late', 1.0), (502, 'later', NULL);");
        var second = await BothAsync("incremental");
        var third = await BothAsync("incremental");
        var incremental = await server.KeysAsync("out");
        Assert.Equal(await FolderAsync(), await BucketAsync(server));
        var states = await Runner().ListStatesAsync("s", CancellationToken.None);
        var reset = await Runner().ResetStateAsync("s", states[0].Stream, CancellationToken.None);
        var afterReset = await Runner().ListStatesAsync("s", CancellationToken.None);
        Sqlite(db, "DELETE FROM events WHERE id > 100;");
        var refreshed = await BothAsync("full_refresh");

        Assert.Equal([[500L, 500L], [2L, 2L], [0L, 0L], [100L, 100L]], new[] { first, second, third, refreshed });
        Assert.Equal(["lake/_nagare_state/s.json", "lake/events/events_00001.csv.gz", "lake/events/events_00002.csv.gz", "lake/events/events_00003.csv.gz", "lake/events/events_00004.csv.gz"], incremental);
        Assert.Equal("502", Assert.Single(states).State.Cursor);
        Assert.True(reset);
        Assert.Empty(afterReset);
        Assert.Equal(["lake/_nagare_state/s.json", "lake/events/events_00001.csv.gz"], await server.KeysAsync("out"));
        Assert.Equal(await FolderAsync(), await BucketAsync(server));
    }

    [Theory]
    [InlineData("path: s3://logs/app\naccess_key_id: x", "connections/logs.yml:3:16: secret_access_key:", "access_key_id and secret_access_key go together")]
    [InlineData("path: s3://logs/app\nendpoint: ftp://x", "connections/logs.yml:3:11: endpoint:", "'ftp://x' is not an http:// or https:// address")]
    [InlineData("path: s3:///app", "connections/logs.yml:2:7: path:", "s3://")]
    [InlineData("path: inbox\nendpoint: http://127.0.0.1:9000", "connections/logs.yml:3:11: endpoint:", "applies to s3:// paths only")]
    public void Load_BadObjectStorageSettings_NameTheFileLineAndKey(string settings, string where, string problem)
    {
        project.Write("nagare.yml", "name: t\n").Write("connections/logs.yml", "type: files\n" + settings + "\n");

        var e = Assert.ThrowsAny<Exception>(() => Nagare.Runtime.Connections.ConnectorRegistry.Default.Create(ProjectLoader.Load(project.Root), "logs", TimeProvider.System, TimeSpan.Zero));

        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    private static void Sqlite(string file, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<Dictionary<string, string>> BucketAsync(S3rverServer server)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in (await server.KeysAsync("out")).Where(k => !k.Contains("_nagare_state", StringComparison.Ordinal)))
        {
            files[key["lake/".Length..]] = Sha256(await server.DownloadAsync("out", key));
        }

        return files;
    }

    private SyncRunner Runner() => new(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System);

    private async Task<Dictionary<string, string>> FolderAsync()
    {
        var root = project.PathOf("folder");
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(p => !p.Contains("_nagare_state", StringComparison.Ordinal)))
        {
            files[Path.GetRelativePath(root, path).Replace('\\', '/')] = Sha256(await File.ReadAllBytesAsync(path));
        }

        return files;
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
