using Nagare.Testing;
using Npgsql;

namespace Nagare.Web.Tests.Infrastructure;

/// <summary>
/// A schema of its own on the test PostgreSQL server named by <c>NAGARE_TEST_PG</c> (an Npgsql connection string;
/// <c>scripts/test</c> starts a server and sets it), dropped at the end. Other test projects use the same server at
/// the same time, so everything these tests create lives in <see cref="Schema"/>.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;

    private TestDatabase(string connectionString, string schema)
    {
        ConnectionString = connectionString;
        Schema = schema;
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>The connection string from <c>NAGARE_TEST_PG</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>This database's schema (letters, digits and <c>_</c>: safe to write into SQL and YAML as it is).</summary>
    public string Schema { get; }

    /// <summary>Host, port, database and user of the server, as a connection file names them.</summary>
    public NpgsqlConnectionStringBuilder Settings => new(ConnectionString);

    /// <summary>Connects to the server named by <c>NAGARE_TEST_PG</c> and creates a fresh schema.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("NAGARE_TEST_PG") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("The web UI tests need a PostgreSQL server: set NAGARE_TEST_PG (an Npgsql connection string) or run scripts/test, which starts one.");
        var database = new TestDatabase(connectionString, "web_" + Guid.NewGuid().ToString("N")[..12]);
        await database.ExecuteAsync($"CREATE SCHEMA {database.Schema}");
        return database;
    }

    /// <summary>Runs SQL on the server (setup and checks, not through Nagare).</summary>
    public Task ExecuteAsync(string sql) => PostgresCommands.ExecuteAsync(dataSource, sql);

    /// <summary>Runs a query and returns its first column's first value.</summary>
    public Task<T> ScalarAsync<T>(string sql) => PostgresCommands.ScalarAsync<T>(dataSource, sql);

    /// <summary>Runs a query and returns every row as boxed values.</summary>
    public Task<List<object?[]>> QueryAsync(string sql) => PostgresCommands.QueryAsync(dataSource, sql);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        }
        finally
        {
            await dataSource.DisposeAsync();
        }
    }
}
