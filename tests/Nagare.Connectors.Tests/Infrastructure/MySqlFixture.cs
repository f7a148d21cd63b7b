using MySqlConnector;
using Nagare.Connectors.MySql;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.Infrastructure;

/// <summary>
/// The test MySQL/MariaDB server named by <c>NAGARE_TEST_MYSQL</c> (a MySqlConnector connection string; <c>scripts/test</c>
/// starts a MariaDB and sets it). Each test creates its own database (see <see cref="CreateDatabaseAsync"/>), dropped
/// when the fixture is disposed, so classes run in parallel.
/// </summary>
public sealed class MySqlFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];

    /// <summary>The connection string from <c>NAGARE_TEST_MYSQL</c>.</summary>
    public string ConnectionString { get; } = Environment.GetEnvironmentVariable("NAGARE_TEST_MYSQL") ?? "";

    /// <summary>Connector options for a database of the test server.</summary>
    public MySqlConnectorOptions Options(string database)
    {
        var builder = new MySqlConnectionStringBuilder(Require());
        return new MySqlConnectorOptions
        {
            Host = builder.Server,
            Port = (int)builder.Port,
            Database = database,
            User = builder.UserID,
            Password = builder.Password,
            SslMode = "none",
        };
    }

    /// <summary>A connector on <paramref name="database"/>.</summary>
    public MySqlServerConnection CreateConnection(string database, string name = "test_mysql", Func<MySqlConnectorOptions, MySqlConnectorOptions>? configure = null) =>
        new(name, configure is null ? Options(database) : configure(Options(database)));

    /// <summary>Creates a fresh database named from <paramref name="prefix"/> and a random suffix.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];
        await ExecuteAsync($"CREATE DATABASE {MySqlDialect.Quote(name)} CHARACTER SET utf8mb4");
        lock (_databases)
        {
            _databases.Add(name);
        }

        return name;
    }

    /// <summary>Runs SQL directly on the server (test setup, not through the connector), in <paramref name="database"/> when given, with the server's own SQL mode and time zone unless the SQL sets them.</summary>
    public async Task ExecuteAsync(string sql, string? database = null)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>An open connection of the test account.</summary>
    public async Task<MySqlConnection> OpenAsync(string? database = null)
    {
        var builder = new MySqlConnectionStringBuilder(Require()) { AllowUserVariables = true, AllowZeroDateTime = true };
        if (database is not null)
        {
            builder.Database = database;
        }

        var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }

        foreach (var database in _databases)
        {
            await ExecuteAsync($"DROP DATABASE IF EXISTS {MySqlDialect.Quote(database)}");
        }

        MySqlConnection.ClearAllPools();
    }

    /// <summary>The connection string; a compliance fact run without a server is reported as skipped, saying why.</summary>
    private string Require() => ConnectionString.Length > 0 ? ConnectionString : throw new CapabilitySkipException(MySqlFactAttribute.Unavailable!);
}
