using System.Text.Json;
using MySqlConnector;
using Nagare.Testing;
using Npgsql;

namespace Nagare.Cli.Tests;

/// <summary>
/// <c>nagare sync</c> over four PostgreSQL databases (a template's shards) and two MariaDB databases listed under
/// <c>sources:</c>, into the warehouse: one table per shape, a dry run that names every shard, and a second run with one
/// shard gone that loads the others, names the failed shard and keeps its rows.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SyncShardsCommandTests : IAsyncLifetime
{
    private const string PasswordVariable = "NAGARE_SHARDS_TEST_MYSQL_PASSWORD";
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-shards-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string prefix = "nagare_cli_shard_" + Guid.NewGuid().ToString("N")[..8];

    private static string Postgres => Environment.GetEnvironmentVariable("NAGARE_TEST_PG")
        ?? throw new InvalidOperationException("set NAGARE_TEST_PG or run scripts/test (it starts a PostgreSQL server for the tests)");

    private static string MySql => Environment.GetEnvironmentVariable("NAGARE_TEST_MYSQL") ?? string.Empty;

    public async Task InitializeAsync()
    {
        if (MySqlFactAttribute.Unavailable is not null)
        {
            return;
        }

        var pg = new NpgsqlConnectionStringBuilder(Postgres);
        var pgYaml = $"type: postgres\nhost: {pg.Host}\nport: {pg.Port}\nuser: {pg.Username}\nsslmode: disable\nmax_concurrency: 2\nshards:\n";
        foreach (var shard in new[] { "tokyo", "osaka", "nagoya", "fukuoka" })
        {
            await PostgresAsync(null, $"CREATE DATABASE \"{prefix}_{shard}\"");
            await PostgresAsync($"{prefix}_{shard}", $"CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), placed timestamptz); INSERT INTO orders VALUES (1, 10.50, '2026-01-01 00:00:00+00'), (2, 20.25, NULL);");
            pgYaml += $"  - {{ name: {shard}, database: {prefix}_{shard} }}\n";
        }

        var my = new MySqlConnectionStringBuilder(MySql);
        Environment.SetEnvironmentVariable(PasswordVariable, my.Password);
        var myYaml = $"type: mariadb\nhost: {my.Server}\nport: {my.Port}\nuser: {my.UserID}\npassword: ${{{PasswordVariable}}}\nssl_mode: none\nsource_timezone: UTC\nshards:\n";
        foreach (var shard in new[] { "sapporo", "sendai" })
        {
            await MySqlAsync(null, $"CREATE DATABASE `{prefix}_{shard}`");
            await MySqlAsync($"{prefix}_{shard}", "CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(12,4), placed DATETIME); INSERT INTO orders VALUES (1, 5.5, '2026-01-02 09:00:00');");
            myYaml += $"  - {{ name: {shard}, database: {prefix}_{shard} }}\n";
        }

        Write("nagare.yml", "name: shards\n");
        Write("connections/regions.yml", pgYaml);
        Write("connections/apps.yml", myYaml);
        Write("syncs/orders.yml", "sources: [regions, apps]\ntarget_schema: lake\nstreams:\n  - select: \"*.orders\"\n    mode: merge\n    primary_key: [id]\n");
    }

    public async Task DisposeAsync()
    {
        if (MySqlFactAttribute.Unavailable is not null)
        {
            return;
        }

        foreach (var shard in new[] { "tokyo", "osaka", "nagoya", "fukuoka" })
        {
            await PostgresAsync(null, $"DROP DATABASE IF EXISTS \"{prefix}_{shard}\" WITH (FORCE)");
        }

        foreach (var shard in new[] { "sapporo", "sendai" })
        {
            await MySqlAsync(null, $"DROP DATABASE IF EXISTS `{prefix}_{shard}`");
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [MySqlFact]
    public async Task Sync_FourPostgresAndTwoMariaDbShards_OneTableThenOneShardGone()
    {
        var plan = await CliRun.RunAsync("sync", "orders", "--project", dir, "--dry-run");
        var first = await CliRun.RunAsync("sync", "orders", "--project", dir, "--json");

        Assert.True(plan.ExitCode == 0, plan.Out + plan.Error);
        Assert.Contains("orders: 6 streams from 'regions.tokyo, regions.osaka, regions.nagoya, regions.fukuoka, apps.sapporo, apps.sendai' into 'warehouse'", plan.Out, StringComparison.Ordinal);
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        var streams = JsonDocument.Parse(first.Out).RootElement.GetProperty("streams").EnumerateArray().Select(s => $"{s.GetProperty("stream").GetString()} → {s.GetProperty("table").GetString()}").Order(StringComparer.Ordinal);
        Assert.Equal(
            [$"apps.sapporo:{prefix}_sapporo.orders → lake.orders", $"apps.sendai:{prefix}_sendai.orders → lake.orders", "regions.fukuoka:public.orders → lake.orders",
             "regions.nagoya:public.orders → lake.orders", "regions.osaka:public.orders → lake.orders", "regions.tokyo:public.orders → lake.orders"],
            streams);
        var query = await CliRun.RunAsync("query", "SELECT count(*) AS n, count(DISTINCT _source) AS shards, sum(amount) AS total, typeof(any_value(amount)) AS type FROM lake.orders", "--project", dir, "--format", "csv");
        Assert.Equal("n,shards,total,type\n10,6,134.0000,\"DECIMAL(12,4)\"\n", query.Out);

        await PostgresAsync($"{prefix}_osaka", "UPDATE orders SET amount = 99 WHERE id = 2");
        // The sendai shard's server stops answering (its entry now points at a port nothing listens on).
        var apps = File.ReadAllText(Path.Combine(dir, "connections/apps.yml"));
        Write("connections/apps.yml", apps.Replace($"{{ name: sendai, database: {prefix}_sendai }}", $"{{ name: sendai, database: {prefix}_sendai, port: 1 }}", StringComparison.Ordinal));
        var second = await CliRun.RunAsync("sync", "orders", "--project", dir);

        Assert.Equal(1, second.ExitCode);
        Assert.True(second.Out.Contains("failed    (not planned) ← apps.sendai:* · merge · read 0 · written 0", StringComparison.Ordinal), second.Out);
        var after = await CliRun.RunAsync("query", "SELECT _source, sum(amount) AS total FROM lake.orders WHERE _source LIKE 'apps.sendai:%' OR _source LIKE 'regions.osaka:%' GROUP BY 1 ORDER BY 1", "--project", dir, "--format", "csv");
        Assert.Equal($"_source,total\napps.sendai:{prefix}_sendai.orders,5.5000\nregions.osaka:public.orders,109.5000\n", after.Out);
    }

    private static async Task PostgresAsync(string? database, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(Postgres) { Pooling = false };
        if (database is not null)
        {
            builder.Database = database;
        }

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task MySqlAsync(string? database, string sql)
    {
        var builder = new MySqlConnectionStringBuilder(MySql) { Pooling = false, Database = database ?? string.Empty };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
