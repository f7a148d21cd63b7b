using Nagare.DuckDb;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>PostgreSQL into the embedded DuckDB warehouse.</summary>
[Trait("Category", "Integration")]
public sealed class WarehouseSyncTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_wh");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg"));
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Sync_PostgresToWarehouse_IncrementalThenChunkedFullRefresh()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{pg.Schema}\".orders (id bigint PRIMARY KEY, amount numeric(12,2), at timestamptz); INSERT INTO \"{pg.Schema}\".orders SELECT g, g * 0.5, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 20000) g; ANALYZE \"{pg.Schema}\".orders;");
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{pg.Schema}.*\"\n    mode: incremental\n    cursor: at\n    chunking: {{ chunks: 4 }}\n");
        var config = ProjectLoader.Load(project.Root);
        var runner = new SyncRunner(config, ConnectorRegistry.Default, TimeProvider.System);

        var first = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);
        await pg.ExecuteAsync($"INSERT INTO \"{pg.Schema}\".orders VALUES (20001, 1.00, '2030-01-01 00:00:00+00')");
        var second = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);
        var refresh = await runner.RunAsync("s", new SyncRunOptions(FullRefresh: true), CancellationToken.None);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal(20000, first.Streams[0].RowsWritten);
        Assert.Equal(1, second.Streams[0].RowsRead);
        Assert.True(refresh.Succeeded, refresh.Streams[0].Message);
        Assert.Equal(4, refresh.Streams[0].Chunks);
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = config.WarehousePath }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT count(*), count(DISTINCT id), sum(amount) FROM lake.orders";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((20001L, 20001L, 100005001.00m), (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2)));
    }
}
