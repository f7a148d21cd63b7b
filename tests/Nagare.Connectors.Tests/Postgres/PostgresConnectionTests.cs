using Nagare.Connectors.Postgres;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresConnectionTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Test_ReachableServer_ReturnsVersionDatabaseAndUser()
    {
        await using var connection = pg.CreateConnection();

        var result = await connection.TestAsync(CancellationToken.None);

        Assert.Matches(@"^\d+\.\d+", result.ServerVersion);
        Assert.Equal(pg.Options.Database, result.Details["database"]);
        Assert.Equal(pg.Options.User, result.Details["user"]);
    }

    [Fact]
    public async Task Test_NothingListensOnThePort_TransientErrorNamingHostAndPort()
    {
        var port = FreePort();
        await using var connection = pg.CreateConnection(configure: o => o with { Port = port, Password = "s3cret-pw", ConnectTimeoutSeconds = 5 });

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.TestAsync(CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Contains($"{pg.Options.Host}:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains(pg.Options.Database, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_MissingDatabase_SaysTheDatabaseDoesNotExist()
    {
        await using var connection = pg.CreateConnection(configure: o => o with { Database = "no_such_db_x", Password = "s3cret-pw" });

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.TestAsync(CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Contains("database does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_db_x", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_UnknownRole_SaysTheUserCannotLogIn()
    {
        await using var connection = pg.CreateConnection(configure: o => o with { User = "no_such_role_x", Password = "s3cret-pw" });

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.TestAsync(CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Contains("no_such_role_x", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_WrongPassword_SaysAuthenticationFailed()
    {
        var role = "pw_role_" + Guid.NewGuid().ToString("N")[..8];
        await pg.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'right-pw'");
        var hba = await pg.ScalarAsync<string>("SELECT current_setting('hba_file')");
        var trustOnly = (await File.ReadAllLinesAsync(hba)).All(l => l.TrimStart().StartsWith('#') || l.Trim().Length == 0 || l.Contains("trust", StringComparison.Ordinal));
        await using var connection = pg.CreateConnection(configure: o => o with { User = role, Password = "wrong-pw" });

        if (trustOnly)
        {
            // The test server trusts every local login, so a password cannot be wrong there: check that the
            // password is accepted and never echoed instead.
            var result = await connection.TestAsync(CancellationToken.None);
            Assert.Equal(role, result.Details["user"]);
            Assert.DoesNotContain("wrong-pw", connection.Options.ToString(), StringComparison.Ordinal);
            return;
        }

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.TestAsync(CancellationToken.None));
        Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ToString_NeverShowsThePassword()
    {
        var options = pg.Options with { Password = "s3cret-pw" };

        Assert.DoesNotContain("s3cret-pw", options.ToString(), StringComparison.Ordinal);
        Assert.Contains(options.Host, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dialect_Identifiers_QuotedAndLimitReported()
    {
        var dialect = PostgresDialect.Instance;

        Assert.Equal("\"a\"\"b\"", dialect.QuoteIdentifier("a\"b"));
        Assert.Equal("\"s\".\"select\"", dialect.QuoteTable("s", "select"));
        Assert.Equal("'it''s'", dialect.QuoteLiteral("it's"));
        Assert.Equal("E'a\\\\b'", dialect.QuoteLiteral("a\\b"));
        Assert.Equal(63, dialect.MaxIdentifierLength);
        var longName = new string('é', 40);
        Assert.True(PostgresDialect.IsTooLong(longName));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(dialect.SanitizeIdentifier(longName)) <= 63);
        var error = Assert.Throws<ConnectorException>(() => PostgresDialect.EnsureFits(longName, "column"));
        Assert.Contains("80 bytes", error.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
