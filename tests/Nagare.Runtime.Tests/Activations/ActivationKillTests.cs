using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>The real CLI killed with SIGKILL while it writes a large batch into PostgreSQL: the table is as before, and the next run completes.</summary>
[Trait("Category", "Integration")]
public sealed class ActivationKillTests : IAsyncLifetime
{
    private const long Rows = 1_500_000;

    private readonly ActivationProject project = new();
    private TestPostgres pg = null!;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("act_kill");
        project.Write("connections/app.yml", pg.ConnectionYaml("app") + $"application_name: {pg.Schema}\n");
        project.Write("activations/big.yml", $"""
            query: select * from mart.big
            destination: {"{"} connection: app, table: {pg.Schema}.big, mode: mirror, key: [id] {"}"}
            """);
        project.Warehouse("CREATE SCHEMA mart; CREATE TABLE mart.big AS SELECT CAST(i AS BIGINT) AS id, 'first ' || i AS label FROM range(1000) t(i)");
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Activate_KilledDuringALargeWrite_LeavesTheTableAsBeforeAndTheNextRunCompletes()
    {
        await project.RunAsync("big");
        project.Warehouse($"DELETE FROM mart.big WHERE id < 10; UPDATE mart.big SET label = 'second ' || id; INSERT INTO mart.big SELECT CAST(i AS BIGINT), 'second ' || i FROM range(1000, {Rows}) t(i)");

        using (var killed = Start())
        {
            var watch = Stopwatch.StartNew();
            while (!killed.HasExited && watch.Elapsed < TimeSpan.FromMinutes(3) && !await CopyingAsync())
            {
                await Task.Delay(20);
            }

            if (killed.HasExited)
            {
                Assert.Fail("the activation ended before it could be killed: " + await killed.StandardOutput.ReadToEndAsync() + await killed.StandardError.ReadToEndAsync());
            }

            killed.Kill();
            await killed.WaitForExitAsync();
        }

        Assert.Equal<string>(["1000|0|999"], (await pg.QueryAsync($"SELECT count(*), count(*) FILTER (WHERE label LIKE 'second%'), max(id) FROM \"{pg.Schema}\".big")).Select(TempProject.FormatRow));

        using var again = Start();
        var output = await again.StandardOutput.ReadToEndAsync();
        var error = await again.StandardError.ReadToEndAsync();
        await again.WaitForExitAsync();
        Assert.True(again.ExitCode == 0, output + error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal((Rows - 1000, 990L, 10L), (json.RootElement.GetProperty("inserted").GetInt64(), json.RootElement.GetProperty("updated").GetInt64(), json.RootElement.GetProperty("deleted").GetInt64()));
        Assert.Equal<string>([string.Create(CultureInfo.InvariantCulture, $"{Rows - 10}|{Rows - 10}|10")], (await pg.QueryAsync($"SELECT count(*), count(*) FILTER (WHERE label LIKE 'second%'), min(id) FROM \"{pg.Schema}\".big")).Select(TempProject.FormatRow));
    }

    private async Task<bool> CopyingAsync() =>
        Convert.ToInt64(await pg.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{pg.Schema}' AND state = 'active' AND query LIKE 'COPY %_nagare_stage%'"), CultureInfo.InvariantCulture) > 0;

    private Process Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "nagare.dll"), "activate", "big", "--project", project.Project.Root, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
