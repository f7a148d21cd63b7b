using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Nagare.DuckDb;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Testing;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>Activations into an S3-compatible bucket (s3rver): files and manifest as uploaded, multipart, failures, secrets.</summary>
[Trait("Category", "Integration")]
public sealed class S3ActivationTests : IDisposable
{
    private const string KeyId = "S3RVER";
    private const string SecretKey = "S3RVER";
    private readonly ActivationProject project = new();
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal)
    {
        ["TEST_S3_KEY_ID"] = KeyId,
        ["TEST_S3_SECRET"] = SecretKey,
    };

    public S3ActivationTests()
    {
        project.Warehouse("""
            CREATE SCHEMA mart;
            CREATE TABLE mart.segment AS
            SELECT CAST(i AS BIGINT) AS id, md5(CAST(i AS VARCHAR)) || repeat('x', CAST(i % 50 AS INTEGER)) AS label, i * 0.5 AS score
            FROM range(20000) t(i);
            """);
    }

    public void Dispose() => project.Dispose();

    [S3Theory]
    [InlineData("csv", "gzip", "max_bytes: 20KB")]
    [InlineData("parquet", "none", "max_rows: 7000")]
    public async Task Full_SplitFiles_ArriveAsTheManifestSaysAndTheManifestIsWrittenLast(string format, string compression, string limit)
    {
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        Activation(proxy.Endpoint, $"""
              format: {format}
              compression: {compression}
              {limit}
              file_name: "segment_{"{{"} run_date {"}}"}_{"{{"} part:03 {"}}"}.{format}{(compression == "gzip" ? ".gz" : string.Empty)}"
              parallel: 2
            """);

        var result = await RunAsync();

        var manifest = await ManifestAsync(server);
        var files = manifest.GetProperty("files").EnumerateArray().ToList();
        Assert.True(files.Count > 1, $"{files.Count} file(s)");
        Assert.Equal(result.Files, files.Count);
        Assert.Equal(20000, await VerifyFilesAsync(server, files, format));
        Assert.Equal(
            files.Select(f => "daily/segments/" + f.GetProperty("path").GetString()).Append("daily/segments/seg_manifest.json").Order(StringComparer.Ordinal),
            await server.KeysAsync("exports"));
        var requests = proxy.Requests;
        var manifestPut = Assert.Single(requests, r => r.Method == "PUT" && r.Path.EndsWith("/seg_manifest.json", StringComparison.Ordinal));
        Assert.All(requests.Where(r => r != manifestPut && r.Method == "PUT"), r => Assert.True(r.Ended < manifestPut.Started, $"{r.Url} ended after the manifest started"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(project.Project.PathOf(".nagare/exports")));
    }

    [S3Fact]
    public async Task Full_FileLargerThanAPart_GoesUpInPartsAndArrivesIntact()
    {
        project.Warehouse("CREATE OR REPLACE TABLE mart.segment AS SELECT CAST(i AS BIGINT) AS id, md5(CAST(i AS VARCHAR)) || md5(CAST(i * 7 AS VARCHAR)) AS label, i * 0.5 AS score FROM range(200000) t(i)");
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        Activation(proxy.Endpoint, """
              format: csv
              file_name: "segment.csv"
              part_size: 5MiB
            """);

        await RunAsync();

        var files = (await ManifestAsync(server)).GetProperty("files").EnumerateArray().ToList();
        var file = Assert.Single(files);
        Assert.True(file.GetProperty("bytes").GetInt64() > 10 << 20, $"{file.GetProperty("bytes").GetInt64()} bytes");
        Assert.Equal(200000, await VerifyFilesAsync(server, files, "csv"));
        var parts = proxy.Requests.Where(r => r.Method == "PUT" && r.Url.Contains("partNumber=", StringComparison.Ordinal)).ToList();
        Assert.True(parts.Count >= 3, $"{parts.Count} part(s)");
        Assert.All(parts, p => Assert.True(p.BodyBytes <= 5 << 20, $"a part of {p.BodyBytes} bytes"));
    }

    [S3Fact]
    public async Task Full_ServerFailsMidway_LeavesNoManifest_AndTheNextRunSendsEverything()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint) { FailFrom = 4 };
        Activation(proxy.Endpoint, """
              format: csv
              max_rows: 2000
              file_name: "segment_{{ part:03 }}.csv"
              parallel_uploads: 1
              retries: 0
            """);

        var e = await Assert.ThrowsAsync<ActivationException>(RunAsync);

        Assert.Contains("Activation 'seg': s3://exports/daily/segments/: upload of daily/segments/segment_", e.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceUnavailable (HTTP 503)", e.Message, StringComparison.Ordinal);
        Assert.Contains("No manifest was written", e.Message, StringComparison.Ordinal);
        Assert.Contains($"the server at {proxy.Endpoint} is running", e.Hint, StringComparison.Ordinal);
        var left = await server.KeysAsync("exports");
        Assert.DoesNotContain("daily/segments/seg_manifest.json", left);

        proxy.FailFrom = null;
        var result = await RunAsync();

        Assert.Equal(20000, result.Inserted);
        var files = (await ManifestAsync(server)).GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(10, files.Count);
        Assert.Equal(20000, await VerifyFilesAsync(server, files, "csv"));
    }

    [S3Fact]
    public async Task Run_UnknownCredentials_FailsWithoutShowingThem()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        const string keyId = "AKIAWRONG1B2C3D4", secret = "not-the-secret-a81f";
        environment["TEST_S3_KEY_ID"] = keyId;
        environment["TEST_S3_SECRET"] = secret;
        Activation(server.Endpoint, "  format: csv\n");
        var lines = new List<string>();

        var e = await Assert.ThrowsAsync<ActivationException>(() => Service().RunAsync("seg", new ActivationRunOptions(new DateOnly(2026, 12, 1)) { Progress = lines.Add }, CancellationToken.None));

        Assert.Contains("InvalidAccessKeyId", e.Message, StringComparison.Ordinal);
        var destination = (await Service().ListAsync(CancellationToken.None)).Single().Destination!;
        var config = ProjectLoader.Load(project.Project.Root, null, Lookup).GetActivation("seg");
        foreach (var text in lines.Append(e.ToString()).Append(e.Hint!).Append(destination).Append(config.ToString()).Append(config.Destination.ToString()))
        {
            Assert.DoesNotContain(keyId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [S3Fact]
    public async Task DryRun_NamesTheBucketAndUploadsNothing()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        Activation(server.Endpoint, "  format: csv\n");

        var plan = await Service().PlanAsync("seg", new ActivationRunOptions(new DateOnly(2026, 12, 1)), CancellationToken.None);

        Assert.Equal($"s3://exports/daily/segments/ at {server.Endpoint}", plan.Destination);
        Assert.Equal((20000L, true), (plan.RecordsSent, plan.SendsAll));
        Assert.Empty(await server.KeysAsync("exports"));
    }

    [Fact]
    public void Load_S3Destination_ReadsEveryKey()
    {
        project.Write("activations/seg.yml", """
            query: select * from mart.segment
            destination:
              type: s3
              bucket: exports
              prefix: /daily/segments/
              endpoint: http://127.0.0.1:9000
              region: eu-west-1
              access_key_id: ${TEST_S3_KEY_ID}
              secret_access_key: ${secret:s3_secret}
              part_size: 16MiB
              parallel_uploads: 8
              retries: 5
              format: parquet
              max_rows: 1000
              file_name: "s_{{ part:03 }}.parquet"
              mode: changes
              key: [id]
            """);

        var destination = Assert.IsType<S3Destination>(ProjectLoader.Load(project.Project.Root, null, name => name == "secret:s3_secret" ? "from-store" : Lookup(name)).GetActivation("seg").Destination);

        Assert.Equal(("exports", "daily/segments", "eu-west-1", true), (destination.Bucket, destination.Prefix, destination.Region, destination.PathStyle));
        Assert.Equal((16L << 20, 8, 5), (destination.PartSize, destination.ParallelUploads, destination.Retries));
        Assert.Equal(("parquet", 1000L, ActivationMode.Changes), (destination.Files.Format, destination.Files.MaxRows, destination.Mode));
        var options = destination.StorageOptions();
        Assert.Equal((KeyId, "from-store"), (options.AccessKeyId, options.SecretAccessKey));
        Assert.Equal("s3://exports/daily/segments/ at http://127.0.0.1:9000/", destination.Display);
        Assert.DoesNotContain("from-store", destination.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type: s3\n  prefix: x", "activations/a.yml:3:", "destination.bucket: is required")]
    [InlineData("type: s3\n  bucket: s3://exports/daily", "activations/a.yml:4:11: destination.bucket:", "write the bucket alone (bucket: exports) and the folder under prefix:")]
    [InlineData("type: s3\n  bucket: Exports_2026", "activations/a.yml:4:11: destination.bucket:", "is not a valid bucket name")]
    [InlineData("type: s3\n  bucket: exports\n  endpoint: 127.0.0.1:9000", "activations/a.yml:5:13: destination.endpoint:", "is not an http:// or https:// address")]
    [InlineData("type: s3\n  bucket: exports\n  part_size: 1MB", "activations/a.yml:5:14: destination.part_size:", "must be between 5MiB (S3's smallest part) and 1GiB")]
    [InlineData("type: s3\n  bucket: exports\n  parallel_uploads: 0", "activations/a.yml:5:21: destination.parallel_uploads:", "must be between 1 and 64")]
    [InlineData("type: s3\n  bucket: exports\n  access_key_id: ${TEST_S3_KEY_ID}", "activations/a.yml:3:", "access_key_id and secret_access_key go together")]
    [InlineData("type: s3\n  bucket: exports\n  access_key_id: AKIA\n  secret_access_key: hunter2-literal", "activations/a.yml:6:22: destination.secret_access_key:", "write it as a reference, not the value")]
    [InlineData("type: s3\n  bucket: exports\n  secret_access_key: ${NOT_SET_ANYWHERE}\n  access_key_id: x", "activations/a.yml:5:22: destination.secret_access_key:", "environment variable NOT_SET_ANYWHERE is not set")]
    [InlineData("type: s3\n  bucket: exports\n  path: exports", "activations/a.yml:5:3: destination.path:", "unknown key")]
    [InlineData("type: s3\n  bucket: exports\n  max_rows: 10\n  file_name: out.csv", "activations/a.yml:6:", "must contain {{ part }}")]
    [InlineData("type: s4\n  bucket: exports", "activations/a.yml:3:", "supported: database, files, s3, http (a database is a postgres, mysql, sqlite or duckdb connection) (did you mean 's3'?)")]
    public void Load_BadS3Destination_ReportsFileLineAndKey(string destination, string where, string problem)
    {
        project.Write("activations/a.yml", "query: select 1\ndestination:\n  " + destination + "\n");

        var config = ProjectLoader.Read(project.Project.Root, null, Lookup);

        var e = Assert.Throws<ConfigException>(() => config.GetActivation("a"));
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    private string? Lookup(string name) => environment.TryGetValue(name, out var value) ? value : null;

    private ActivationService Service() => new(ProjectLoader.Load(project.Project.Root, null, Lookup), ConnectorRegistry.Default, TimeProvider.System);

    private Task<ActivationResult> RunAsync() =>
        Service().RunAsync("seg", new ActivationRunOptions(new DateOnly(2026, 12, 1)), CancellationToken.None);

    private void Activation(Uri endpoint, string layout) => project.Write("activations/seg.yml", $"""
        query: select * from mart.segment order by id
        destination:
          type: s3
          bucket: exports
          prefix: daily/segments
          endpoint: {endpoint}
          access_key_id: ${"{"}TEST_S3_KEY_ID{"}"}
          secret_access_key: ${"{"}TEST_S3_SECRET{"}"}
        {layout}
        """);

    private static async Task<JsonElement> ManifestAsync(S3rverServer server) =>
        JsonDocument.Parse(await server.DownloadAsync("exports", "daily/segments/seg_manifest.json")).RootElement;

    /// <summary>Downloads each file the manifest names, checks its bytes and SHA-256, and counts its rows with DuckDB; returns the rows.</summary>
    private async Task<long> VerifyFilesAsync(S3rverServer server, List<JsonElement> files, string format)
    {
        var local = Directory.CreateTempSubdirectory("nagare-s3-download-").FullName;
        try
        {
            using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = ":memory:" }.ConnectionString);
            duck.Open();
            long total = 0;
            foreach (var file in files)
            {
                var name = file.GetProperty("path").GetString()!;
                var bytes = await server.DownloadAsync("exports", "daily/segments/" + name);
                Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.Length);
                Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
                var path = Path.Combine(local, name);
                await File.WriteAllBytesAsync(path, bytes);
                using var command = duck.CreateCommand();
                command.CommandText = format == "parquet" ? $"SELECT count(*) FROM read_parquet('{path}')" : $"SELECT count(*) FROM read_csv('{path}', header = true)";
                var rows = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                Assert.Equal(file.GetProperty("rows").GetInt64(), rows);
                total += rows;
            }

            return total;
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }
}
