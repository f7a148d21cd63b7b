namespace Nagare.DuckDb.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public void Open_InMemory_IsOpenAndExecutes()
    {
        using var connection = new DuckDbConnection("Data Source=:memory:");
        connection.Open();
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        connection.ExecuteNative("CREATE TABLE t(a INT); INSERT INTO t VALUES (1)");
        Assert.StartsWith("v1.5.", connection.ServerVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteNative_InvalidSql_ThrowsWithDuckDbMessage()
    {
        using var connection = new DuckDbConnection();
        connection.Open();
        var error = Assert.Throws<DuckDbException>(() => connection.ExecuteNative("SELEC 1"));
        Assert.Contains("syntax error", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Open_NamedInMemory_SharedBetweenConnectionsAndNoFileCreated()
    {
        var name = $":memory:shared_{Guid.NewGuid():N}";
        using var first = new DuckDbConnection($"Data Source={name}");
        first.Open();
        first.ExecuteNonQuery("CREATE TABLE t AS SELECT 42 AS v");
        using var second = new DuckDbConnection($"Data Source={name}");
        second.Open();

        Assert.Equal(42, second.ExecuteScalar<int>("SELECT v FROM t"));
        Assert.False(File.Exists(name));
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), name)));
    }
}
