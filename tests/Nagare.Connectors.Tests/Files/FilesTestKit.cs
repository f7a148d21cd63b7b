using System.Collections.Immutable;
using Nagare.Connectors.Files;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.Tests.Files;

/// <summary>A temporary folder with the files connector over it, removed on dispose.</summary>
internal sealed class FilesTestKit : IDisposable
{
    public FilesTestKit()
    {
        Root = Directory.CreateTempSubdirectory("nagare-files-test-").FullName;
    }

    public string Root { get; }

    public FilesConnection Connection(FilesConnectorOptions? options = null) =>
        new("files_test", options ?? new FilesConnectorOptions(Root));

    public string Write(string relative, string content, bool gzip = false)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (gzip)
        {
            using var file = File.Create(path);
            using var compressed = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            compressed.Write(System.Text.Encoding.UTF8.GetBytes(content));
        }
        else
        {
            File.WriteAllText(path, content);
        }

        return path;
    }

    /// <summary>Runs SQL in a fresh in-memory DuckDB (e.g. <c>COPY … TO</c> to create Parquet files natively).</summary>
    public static void DuckDb(string sql)
    {
        using var connection = new DuckDbConnection("Data Source=:memory:");
        connection.Open();
        connection.ExecuteNonQuery(sql);
    }

    /// <summary>One scalar from a fresh in-memory DuckDB.</summary>
    public static T? Scalar<T>(string sql)
    {
        using var connection = new DuckDbConnection("Data Source=:memory:");
        connection.Open();
        return connection.ExecuteScalar<T>(sql);
    }

    public string Sql(string relative) => "'" + Path.Combine(Root, relative).Replace("'", "''", StringComparison.Ordinal) + "'";

    public static async Task<StreamSchema> StreamAsync(ISource source, string name)
    {
        await foreach (var stream in source.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            if (stream.Id.Name == name)
            {
                return stream;
            }
        }

        throw new InvalidOperationException($"No stream {name}.");
    }

    /// <summary>All rows as boxed values.</summary>
    public static async Task<List<object?[]>> ReadAllAsync(IAsyncEnumerable<ColumnBatch> batches)
    {
        var rows = new List<object?[]>();
        await foreach (var batch in batches)
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                rows.Add([.. batch.Columns.Select(c => c.GetBoxed(r))]);
            }
        }

        return rows;
    }

    public static ColumnBatch Batch(ImmutableArray<ColumnSchema> columns, IReadOnlyList<object?[]> rows)
    {
        var batch = new ColumnBatch(columns, Math.Max(1, rows.Count));
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                batch.Columns[c].SetBoxed(r, rows[r][c]);
            }
        }

        batch.RowCount = rows.Count;
        return batch;
    }

    /// <summary>Every file under the root, relative, sorted.</summary>
    public List<string> Files() =>
        [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp folder is cleaned eventually.
        }
    }
}
