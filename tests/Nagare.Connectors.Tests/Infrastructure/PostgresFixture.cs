using Nagare.Connectors.Postgres;
using Nagare.Testing;
using Npgsql;

namespace Nagare.Connectors.Tests.Infrastructure;

/// <summary>
/// The test PostgreSQL server named by <c>NAGARE_TEST_PG</c> (an Npgsql connection string; <c>scripts/test</c> starts
/// a server and sets it). Tests fail with a clear message when it is missing: they must not pass silently.
/// Each test class creates its own schemas (see <see cref="CreateSchemaAsync"/>) so classes run in parallel.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _schemas = [];
    private NpgsqlDataSource? _dataSource;

    /// <summary>The connection string from <c>NAGARE_TEST_PG</c>.</summary>
    public string ConnectionString { get; } = Environment.GetEnvironmentVariable("NAGARE_TEST_PG") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("PostgreSQL tests need a server: set NAGARE_TEST_PG (an Npgsql connection string) or run scripts/test, which starts one.");

    /// <summary>Connector options for the test server.</summary>
    public PostgresConnectorOptions Options
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return new PostgresConnectorOptions
            {
                Host = builder.Host ?? "127.0.0.1",
                Port = builder.Port,
                Database = builder.Database ?? "nagare_test",
                User = builder.Username ?? "nagare",
                Password = builder.Password,
                SslMode = "disable",
            };
        }
    }

    private NpgsqlDataSource DataSource => _dataSource ??= NpgsqlDataSource.Create(ConnectionString);

    /// <summary>A connector on the test database.</summary>
    public PostgresConnection CreateConnection(string name = "test_pg", Func<PostgresConnectorOptions, PostgresConnectorOptions>? configure = null) =>
        new(name, configure is null ? Options : configure(Options));

    /// <summary>Creates a fresh schema named from <paramref name="prefix"/> and a random suffix; it is dropped when the fixture is disposed.</summary>
    public async Task<string> CreateSchemaAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await ExecuteAsync($"CREATE SCHEMA {PostgresDialect.Quote(name)}");
        lock (_schemas)
        {
            _schemas.Add(name);
        }

        return name;
    }

    /// <summary>Runs SQL directly on the server (test setup, not through the connector).</summary>
    public Task ExecuteAsync(string sql) => PostgresCommands.ExecuteAsync(DataSource, sql);

    /// <summary>Runs a query and returns its first column's first value.</summary>
    public Task<T> ScalarAsync<T>(string sql) => PostgresCommands.ScalarAsync<T>(DataSource, sql);

    /// <summary>Runs a query and returns every row as boxed values.</summary>
    public Task<List<object?[]>> QueryAsync(string sql) => PostgresCommands.QueryAsync(DataSource, sql);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataSource is null)
        {
            return;
        }

        foreach (var schema in _schemas)
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {PostgresDialect.Quote(schema)} CASCADE");
        }

        await _dataSource.DisposeAsync();
    }
}
