using MySqlConnector;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>The test MariaDB from NAGARE_TEST_MYSQL (started by scripts/test), with a fresh database per test, dropped at the end.</summary>
internal sealed class TestMySql : IAsyncDisposable
{
    private TestMySql(string connectionString, string database)
    {
        ConnectionString = connectionString;
        Database = database;
    }

    public string ConnectionString { get; }

    /// <summary>This test's own database.</summary>
    public string Database { get; }

    public static async Task<TestMySql> CreateAsync(string prefix)
    {
        var connectionString = Environment.GetEnvironmentVariable("NAGARE_TEST_MYSQL") ?? "";
        var mysql = new TestMySql(connectionString, $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}");
        await mysql.ExecuteAsync($"CREATE DATABASE `{mysql.Database}` CHARACTER SET utf8mb4", database: null);
        return mysql;
    }

    /// <summary>A connection file's lines reaching this test's database, with the password taken from <c>${MYSQL_TEST_PASSWORD}</c> (empty where the warehouse alone is queried).</summary>
    public string ConnectionYaml(string name, string type = "mysql", string extra = "")
    {
        var b = new MySqlConnectionStringBuilder(ConnectionString);
        return $"""
            name: {name}
            type: {type}
            host: {b.Server}
            port: {b.Port}
            database: {Database}
            user: {b.UserID}
            password: ${"{"}MYSQL_TEST_PASSWORD:-{"}"}
            ssl_mode: none
            {extra}

            """;
    }

    /// <summary>The password, for the environment the project is loaded with.</summary>
    public string Password => new MySqlConnectionStringBuilder(ConnectionString).Password;

    public Task ExecuteAsync(string sql) => ExecuteAsync(sql, Database);

    public async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync(Database);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        return TempProject.Rows(reader);
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP DATABASE IF EXISTS `{Database}`", database: null);

    private async Task ExecuteAsync(string sql, string? database)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<MySqlConnection> OpenAsync(string? database)
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString) { AllowUserVariables = true };
        if (database is not null)
        {
            builder.Database = database;
        }

        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
