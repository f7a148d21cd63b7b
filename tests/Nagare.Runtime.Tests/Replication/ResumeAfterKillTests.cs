using System.Diagnostics;
using System.Text.Json;
using Nagare.DuckDb;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>A chunked copy whose process is killed part way, then run again: the table is never seen half copied.</summary>
[Trait("Category", "Integration")]
public sealed class ResumeAfterKillTests : IAsyncLifetime
{
    private const long SourceRows = 300_000;
    private const int Chunks = 30;

    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_kill");
        await pg.ExecuteAsync($"""
            CREATE TABLE "{pg.Schema}".big (id bigint PRIMARY KEY, label text NOT NULL, amount numeric(12,2) NOT NULL);
            INSERT INTO "{pg.Schema}".big SELECT g, 'row ' || g, g * 0.25 FROM generate_series(1, {SourceRows}) g;
            ANALYZE "{pg.Schema}".big;
            """);
        project
            .Write("nagare.yml", "name: kill\ndefaults:\n  batch_size: 2000\n")
            .Write("connections/pg.yml", pg.ConnectionYaml("pg"))
            .Write("syncs/big.yml", $"name: big\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{pg.Schema}.big\"\n    mode: full_refresh\n    chunking: {{ chunks: {Chunks} }}\n");
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Sync_KilledDuringChunkedFullRefresh_TableNeverPartialAndRerunCopiesExactlyTheSource()
    {
        using (var first = StartSync())
        {
            // The warehouse file grows as chunks are staged: kill once some have been written, before the end.
            var warehouse = project.PathOf(".nagare/warehouse.duckdb");
            var stopwatch = Stopwatch.StartNew();
            while (!first.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(2) && StagedBytes(warehouse) < 4 * 1024 * 1024)
            {
                await Task.Delay(10);
            }

            if (!first.HasExited)
            {
                first.Kill(entireProcessTree: true);
            }

            await first.WaitForExitAsync();
        }

        var (tableRows, stagedChunks) = ReadWarehouseAfterKill();
        Assert.True(tableRows is null || tableRows == SourceRows, $"lake.big holds {tableRows} rows after the kill: a partial table was published");

        using var second = StartSync();
        var output = await second.StandardOutput.ReadToEndAsync();
        var error = await second.StandardError.ReadToEndAsync();
        await second.WaitForExitAsync();

        Assert.True(second.ExitCode == 0, output + error);
        using var json = JsonDocument.Parse(output);
        var stream = json.RootElement.GetProperty("streams")[0];
        Assert.Equal("succeeded", stream.GetProperty("status").GetString());
        // The second run copies only the chunks the killed one had not committed.
        Assert.True(
            (stream.GetProperty("chunks_resumed").GetInt32(), stream.GetProperty("chunks").GetInt32()) == (stagedChunks, Chunks - stagedChunks),
            $"{stagedChunks} chunks staged before the kill (table rows {tableRows}); second run: {output}");
        var written = stream.GetProperty("rows_written").GetInt64();
        Assert.True(stagedChunks == 0 ? written == SourceRows : written < SourceRows, $"{written} rows written after {stagedChunks} chunks were staged");
        using var duck = Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT count(*), count(DISTINCT id), sum(id)::BIGINT, sum(amount)::DECIMAL(18,2) FROM lake.big";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((SourceRows, SourceRows, SourceRows * (SourceRows + 1) / 2, SourceRows * (SourceRows + 1) / 2 * 0.25m), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3)));
    }

    private static long StagedBytes(string warehouse) =>
        (File.Exists(warehouse) ? new FileInfo(warehouse).Length : 0) + (File.Exists(warehouse + ".wal") ? new FileInfo(warehouse + ".wal").Length : 0);

    private (long? TableRows, int StagedChunks) ReadWarehouseAfterKill()
    {
        if (!File.Exists(project.PathOf(".nagare/warehouse.duckdb")))
        {
            return (null, 0);
        }

        using var duck = Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'lake' AND table_name = 'big'";
        long? rows = null;
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            command.CommandText = "SELECT count(*) FROM lake.big";
            rows = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = '_nagare' AND table_name = 'sync_chunks'";
        var staged = 0;
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            command.CommandText = "SELECT count(*) FROM _nagare.sync_chunks WHERE sync_name = 'big'";
            staged = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return (rows, staged);
    }

    private DuckDbConnection Open()
    {
        var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = project.PathOf(".nagare/warehouse.duckdb") }.ConnectionString);
        duck.Open();
        return duck;
    }

    private Process StartSync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(NagareDll());
        foreach (var arg in new[] { "sync", "big", "--project", project.Root, "--threads", "2", "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    // The test project references the CLI, so its nagare.dll (with runtimeconfig and deps) sits beside the tests.
    private static string NagareDll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "nagare.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: the test project references src/Nagare.Cli to build it", dll);
    }
}
