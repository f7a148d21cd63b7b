using Npgsql;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>The test PostgreSQL server from NAGARE_TEST_PG (started by scripts/test), with a fresh schema per test.</summary>
internal sealed class TestPostgres : IAsyncDisposable
{
    private TestPostgres(string connectionString, string schema)
    {
        ConnectionString = connectionString;
        Schema = schema;
    }

    public string ConnectionString { get; }

    /// <summary>A schema of this test's own (dropped at the end).</summary>
    public string Schema { get; }

    public static async Task<TestPostgres> CreateAsync(string prefix)
    {
        var connectionString = Environment.GetEnvironmentVariable("NAGARE_TEST_PG");
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException("set NAGARE_TEST_PG or run scripts/test (it starts a PostgreSQL server for the tests)");
        }

        var pg = new TestPostgres(connectionString, $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}");
        await pg.ExecuteAsync($"CREATE SCHEMA \"{pg.Schema}\"");
        return pg;
    }

    /// <summary>A connection file's lines reaching this server.</summary>
    public string ConnectionYaml(string name, int maxConcurrency = 4)
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"""
            name: {name}
            type: postgres
            host: {b.Host}
            port: {b.Port}
            database: {b.Database}
            user: {b.Username}
            sslmode: disable
            max_concurrency: {maxConcurrency}

            """;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async Task<object?> ScalarAsync(string sql) => (await QueryAsync(sql))[0][0];

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}_dst\" CASCADE");
    }
}
