using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Nagare.Runtime.Activations;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>Activations into split files: hard byte and row limits, the manifest as commit marker, changes files.</summary>
public sealed class FilesActivationTests : IDisposable
{
    private readonly ActivationProject project = new();

    public FilesActivationTests()
    {
        project.Warehouse("""
            CREATE SCHEMA mart;
            CREATE TABLE mart.segment AS
            SELECT CAST(i AS BIGINT) AS id, md5(CAST(i AS VARCHAR)) || repeat('x', CAST(i % 50 AS INTEGER)) AS label, i * 0.5 AS score
            FROM range(20000) t(i);
            """);
    }

    public void Dispose() => project.Dispose();

    private string Folder => project.Project.PathOf("exports");

    [Theory]
    [InlineData("csv", "gzip", "20KB", null)]
    [InlineData("csv", "none", "64KB", "3000")]
    [InlineData("jsonl", "gzip", "10KB", null)]
    [InlineData("tsv", "none", null, "777")]
    [InlineData("parquet", "none", "100KB", null)]
    public async Task Full_SplitsAtTheLimits_AndTheManifestMatchesTheFilesOnDisk(string format, string compression, string? maxBytes, string? maxRows)
    {
        project.Write("activations/seg.yml", $"""
            query: select * from mart.segment order by id
            destination:
              type: files
              path: exports
              format: {format}
              compression: {compression}
              {(maxBytes is null ? string.Empty : "max_bytes: " + maxBytes)}
              {(maxRows is null ? string.Empty : "max_rows: " + maxRows)}
              file_name: "segment_{"{{"} run_date {"}}"}_{"{{"} part:03 {"}}"}.{format}"
              parallel: 2
            """);

        var result = await project.RunAsync("seg");

        var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "seg_manifest.json"))).RootElement;
        var files = manifest.GetProperty("files").EnumerateArray().ToList();
        Assert.True(files.Count > 1, $"{files.Count} file(s)");
        Assert.Equal(result.Files, files.Count);
        Assert.Equal(20000, files.Sum(f => f.GetProperty("rows").GetInt64()));
        Assert.Equal(20000, manifest.GetProperty("rows").GetInt64());
        var limit = maxBytes is null ? long.MaxValue : Nagare.Runtime.Configuration.SizeText.Parse(maxBytes);
        foreach (var file in files)
        {
            var path = Path.Combine(Folder, file.GetProperty("path").GetString()!);
            Assert.StartsWith("segment_2026-12-01_", Path.GetFileName(path), StringComparison.Ordinal);
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length <= limit, $"{path}: {bytes.Length} bytes > {limit}");
            Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.Length);
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.True(File.GetLastWriteTimeUtc(path) <= File.GetLastWriteTimeUtc(Path.Combine(Folder, "seg_manifest.json")));
            if (maxRows is not null)
            {
                Assert.True(file.GetProperty("rows").GetInt64() <= long.Parse(maxRows, System.Globalization.CultureInfo.InvariantCulture));
            }

            if (format != "parquet")
            {
                var text = compression == "gzip" ? Gunzip(bytes) : System.Text.Encoding.UTF8.GetString(bytes);
                var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - (format is "csv" or "tsv" ? 1 : 0);
                Assert.Equal(file.GetProperty("rows").GetInt64(), lines);
            }
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Folder, ".nagare-*"));
    }

    [Fact]
    public async Task Full_ARecordLargerThanTheLimit_FailsNamingItsKey_AndWritesNoManifest()
    {
        project.Warehouse("UPDATE mart.segment SET label = repeat('y', 5000) WHERE id = 1234");
        project.Write("activations/seg.yml", """
            query: select * from mart.segment order by id
            destination: { type: files, path: exports, format: csv, max_bytes: 4KB, file_name: "s_{{ part:04 }}.csv", key: [id] }
            """);

        var e = await Assert.ThrowsAsync<ActivationException>(() => project.RunAsync("seg"));

        Assert.Contains("record id=1234", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Folder, "seg_manifest.json")));
        Assert.Empty(Directory.EnumerateFiles(Folder, "*.csv"));
    }

    [Fact]
    public async Task Changes_SecondRunWritesOnlyInsertsUpdatesAndDeletes_AndNothingWhenUnchanged()
    {
        project.Write("activations/seg.yml", """
            query: select id, label from mart.segment
            destination: { type: files, path: exports, format: csv, mode: changes, key: [id], file_name: "changes_{{ ts }}_{{ part }}.csv", manifest: "manifest_{{ ts }}.json" }
            """);
        var first = await project.RunAsync("seg");
        Assert.Equal(20000, first.Inserted);
        Assert.Equal(0, (await project.RunAsync("seg")).Sent);

        project.Warehouse("DELETE FROM mart.segment WHERE id IN (1, 2); UPDATE mart.segment SET label = 'new' WHERE id = 3; INSERT INTO mart.segment VALUES (99999, 'added', 0)");
        await Task.Delay(1100);
        var second = await project.RunAsync("seg");

        Assert.Equal((1L, 1L, 2L), (second.Inserted, second.Updated, second.Deleted));
        var csv = File.ReadAllLines(Path.Combine(Folder, JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, second.Manifest!))).RootElement.GetProperty("files")[0].GetProperty("path").GetString()!));
        Assert.Equal<string>(["id,label,_op", "1,,delete", "2,,delete", "3,new,update", "99999,added,insert"], [csv[0], .. csv.Skip(1).Order(StringComparer.Ordinal)]);
    }

    private static string Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(input);
        return reader.ReadToEnd();
    }
}
