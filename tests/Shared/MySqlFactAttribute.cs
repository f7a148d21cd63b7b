namespace Nagare.Testing;

/// <summary>
/// A test that needs the MySQL-compatible test server named by <c>NAGARE_TEST_MYSQL</c> (<c>scripts/test</c> starts a
/// MariaDB and sets it): skipped, saying why, where it is not set.
/// </summary>
public sealed class MySqlFactAttribute : FactAttribute
{
    /// <summary>Why MySQL tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => Environment.GetEnvironmentVariable("NAGARE_TEST_MYSQL") is { Length: > 0 }
        ? null
        : "MySQL tests need a server: set NAGARE_TEST_MYSQL (a MySqlConnector connection string) or run scripts/test, which starts a MariaDB (scripts/mysql-test-server).";

    public MySqlFactAttribute()
    {
        if (Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
