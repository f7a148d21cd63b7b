namespace Nagare.DuckDb.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-duckdb-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ManyConnections_OneFileDatabase_WriteAndReadInParallel()
    {
        var path = Path.Combine(_folder, "shared.duckdb");
        using (var setup = TypeAssert.Open(path))
        {
            setup.ExecuteNonQuery("CREATE TABLE events(worker INT, n INT)");
        }

        var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(() =>
        {
            using var connection = TypeAssert.Open(path);
            for (var n = 0; n < 50; n++)
            {
                using var command = new DuckDbCommand("INSERT INTO events VALUES ($1, $2)", connection);
                command.Parameters.AddPositional(worker);
                command.Parameters.AddPositional(n);
                command.ExecuteNonQuery();
            }

            return connection.ExecuteScalar<long>($"SELECT sum(n) FROM events WHERE worker = {worker}");
        })).ToArray();

        var sums = await Task.WhenAll(workers);
        Assert.All(sums, sum => Assert.Equal(1225L, sum));
        using var check = TypeAssert.Open(path);
        Assert.Equal(300L, check.ExecuteScalar<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public void Reopen_FileDatabase_KeepsData()
    {
        var path = Path.Combine(_folder, "persist.duckdb");
        using (var connection = TypeAssert.Open(path))
        {
            connection.ExecuteNonQuery("CREATE TABLE t AS SELECT 'kept' AS v");
        }

        using var again = TypeAssert.Open(path);
        Assert.Equal("kept", again.ExecuteScalar<string>("SELECT v FROM t"));
    }
}
