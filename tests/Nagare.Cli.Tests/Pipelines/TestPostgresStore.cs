using Npgsql;

namespace Nagare.Cli.Tests.Pipelines;

/// <summary>A metadata store in a schema of its own on the test PostgreSQL server (NAGARE_TEST_PG, started by scripts/test).</summary>
internal sealed class TestPostgresStore : IAsyncDisposable
{
    private readonly string server;
    private readonly string schema;

    private TestPostgresStore(string server, string schema)
    {
        this.server = server;
        this.schema = schema;
        Store = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>The value for <c>--store</c>: a connection string whose search path is the schema.</summary>
    public string Store { get; }

    public static async Task<TestPostgresStore> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("NAGARE_TEST_PG");
        if (string.IsNullOrEmpty(server))
        {
            throw new InvalidOperationException("set NAGARE_TEST_PG or run scripts/test (it starts a PostgreSQL server for the tests)");
        }

        var store = new TestPostgresStore(server, "cli_" + Guid.NewGuid().ToString("N")[..10]);
        await store.ExecuteAsync($"CREATE SCHEMA {store.schema}");
        return store;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
