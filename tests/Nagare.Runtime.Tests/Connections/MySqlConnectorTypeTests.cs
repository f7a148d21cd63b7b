using Nagare.Connectors.MySql;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Connections;

/// <summary><c>type: mysql</c> and <c>type: mariadb</c> connection files read into the connector's options.</summary>
public sealed class MySqlConnectorTypeTests : IDisposable
{
    private readonly TempProject project = new();

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Create_MariaDbName_TheMySqlConnectorWithEveryKeyTaken()
    {
        project.Write("nagare.yml", "name: t\n").Write("connections/app.yml", """
            type: mariadb
            host: db.internal
            port: 3307
            database: shop
            user: reader
            password: ${APP_DB_PASSWORD}
            databases: [shop, legacy]
            source_timezone: Asia/Tokyo
            zero_dates: error
            ssl_mode: required
            connect_timeout: 5
            max_concurrency: 2
            """);
        var config = ProjectLoader.Load(project.Root, environment: name => name == "APP_DB_PASSWORD" ? "s3cret p@ss" : null);

        await using var connection = Assert.IsType<MySqlServerConnection>(ConnectorRegistry.Default.Create(config, "app", TimeProvider.System));

        var options = connection.Options;
        Assert.Equal("mysql", connection.Capabilities.Type);
        Assert.Equal(("db.internal", 3307, "shop", "reader", "s3cret p@ss"), (options.Host, options.Port, options.Database, options.User, options.Password));
        Assert.Equal(["shop", "legacy"], options.Databases.ToArray());
        Assert.Equal("Asia/Tokyo", options.SourceTimeZone?.Id);
        Assert.Equal((MySqlZeroDates.Error, "required", 5, 2), (options.ZeroDates, options.SslMode, options.ConnectTimeoutSeconds, options.MaxConcurrency));
        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source_timezone: Mars/Olympus", "source_timezone", "'Mars/Olympus' is not a time zone this machine knows")]
    [InlineData("zero_dates: sometimes", "zero_dates", "expected null or error, found 'sometimes'")]
    public void Create_BadValue_ConfigErrorNamingFileLineAndKey(string line, string key, string problem)
    {
        project.Write("nagare.yml", "name: t\n").Write("connections/app.yml", $"type: mysql\ndatabase: shop\nuser: reader\n{line}\n");
        var config = ProjectLoader.Load(project.Root);

        var error = Assert.Throws<ConfigException>(() => ConnectorRegistry.Default.Create(config, "app", TimeProvider.System));

        Assert.Contains(Path.Join("connections", "app.yml") + ":4:", error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
