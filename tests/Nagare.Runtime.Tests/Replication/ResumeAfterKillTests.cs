using System.Diagnostics;
using System.Text.Json;
using Nagare.DuckDb;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// A chunked copy whose process is killed part way, then run again after the source changed in every key range:
/// the table is never seen half copied, and after the re-run it equals the source.
/// </summary>
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
            CREATE TABLE "{pg.Schema}".big (id bigint PRIMARY KEY, label text NOT NULL, amount numeric(12,2) NOT NULL, updated_at timestamptz NOT NULL);
            INSERT INTO "{pg.Schema}".big SELECT g, 'row ' || g, g * 0.25, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, {SourceRows}) g;
            ANALYZE "{pg.Schema}".big;
            """);
        project
            .Write("nagare.yml", "name: kill\ndefaults:\n  batch_size: 2000\n")
            .Write("connections/pg.yml", pg.ConnectionYaml("pg"));
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Theory]
    [InlineData("full_refresh")]
    [InlineData("merge\n    cursor: updated_at")]
    public async Task Sync_KilledDuringChunkedLoadAndSourceChanged_TableNeverPartialAndRerunCopiesExactlyTheSource(string mode)
    {
        project.Write("syncs/big.yml", $"name: big\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{pg.Schema}.big\"\n    mode: {mode}\n    chunking: {{ chunks: {Chunks} }}\n");
        var merge = mode.StartsWith("merge", StringComparison.Ordinal);
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

        // Rows change in every key range, also in those already staged; a merge does not see deletes, a full refresh must.
        await pg.ExecuteAsync($"""
            UPDATE "{pg.Schema}".big SET label = label || ' changed', amount = amount + 1, updated_at = timestamptz '2025-01-01 00:00:00+00' + id * interval '1 second' WHERE id % 5000 = 0;
            INSERT INTO "{pg.Schema}".big VALUES (0, 'new', 1, timestamptz '2025-06-01 00:00:00+00');
            {(merge ? string.Empty : $"DELETE FROM \"{pg.Schema}\".big WHERE id % 10000 = 1;")}
            """);
        var expected = await pg.QueryAsync($"SELECT count(*), sum(id)::bigint, sum(amount), count(*) FILTER (WHERE label LIKE '% changed') FROM \"{pg.Schema}\".big");

        using var second = StartSync();
        var output = await second.StandardOutput.ReadToEndAsync();
        var error = await second.StandardError.ReadToEndAsync();
        await second.WaitForExitAsync();

        Assert.True(second.ExitCode == 0, output + error);
        using var json = JsonDocument.Parse(output);
        var stream = json.RootElement.GetProperty("streams")[0];
        Assert.Equal("succeeded", stream.GetProperty("status").GetString());

        // A merge with a cursor resumes with the chunks the killed run had not committed and then merges what changed
        // in the staged ones; a full refresh cannot find those changes and reads every chunk again.
        var resumed = merge ? stagedChunks : 0;
        Assert.True(
            (stream.GetProperty("chunks_resumed").GetInt32(), stream.GetProperty("chunks").GetInt32()) == (resumed, Chunks - resumed),
            $"{stagedChunks} chunks staged before the kill (table rows {tableRows}); second run: {output}");
        using var duck = Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT count(*), sum(id)::BIGINT, sum(amount), count(*) FILTER (WHERE label LIKE '% changed'), count(DISTINCT id) FROM lake.big";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(
            (Convert.ToInt64(expected[0][0], System.Globalization.CultureInfo.InvariantCulture), (long)expected[0][1]!, (decimal)expected[0][2]!, Convert.ToInt64(expected[0][3], System.Globalization.CultureInfo.InvariantCulture)),
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetInt64(3)));
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(4));
    }

    [Fact]
    public async Task Sync_Sigterm_ExitsOneThirtyMarkingTheStreamCancelledAndPublishesNothing()
    {
        // A view that yields a row every fraction of a millisecond: the copy is still running when the signal comes.
        await pg.ExecuteAsync($"""
            CREATE FUNCTION "{pg.Schema}".slowly(i bigint) RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT pg_sleep(0.0002); SELECT i $$;
            CREATE VIEW "{pg.Schema}".slow AS SELECT "{pg.Schema}".slowly(g) AS id FROM generate_series(1, 200000) g;
            """);
        project.Write("syncs/slow.yml", $"name: slow\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{pg.Schema}.slow\"\n");
        using var sync = StartSync("slow");
        var stopwatch = Stopwatch.StartNew();
        while (!sync.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(1) &&
               Convert.ToInt64(await pg.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%{pg.Schema}%slow%' AND pid <> pg_backend_pid()"), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await Task.Delay(20);
        }

        Assert.False(sync.HasExited, "the sync ended before it was signalled");
        using (var kill = Process.Start("kill", ["-TERM", sync.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var output = await sync.StandardOutput.ReadToEndAsync();
        var error = await sync.StandardError.ReadToEndAsync();
        await sync.WaitForExitAsync();

        Assert.True(sync.ExitCode == 130, $"exit {sync.ExitCode}: {output}{error}");
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("cancelled").GetBoolean());
        Assert.Equal("cancelled", json.RootElement.GetProperty("streams")[0].GetProperty("status").GetString());
        using var duck = Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'lake' AND table_name = 'slow'";
        Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
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

    private Process StartSync(string sync = "big")
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(NagareDll());
        foreach (var arg in new[] { "sync", sync, "--project", project.Root, "--threads", "2", "--json" })
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
