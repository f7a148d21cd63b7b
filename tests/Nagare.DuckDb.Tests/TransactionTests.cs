using System.Data;

namespace Nagare.DuckDb.Tests;

public sealed class TransactionTests : IDisposable
{
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public TransactionTests() => _connection.ExecuteNonQuery("CREATE TABLE t(a INT)");

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Commit_KeepsChanges()
    {
        using (var transaction = _connection.BeginTransaction())
        {
            _connection.ExecuteNonQuery("INSERT INTO t VALUES (1)");
            transaction.Commit();
        }

        Assert.Equal(1L, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void Rollback_DiscardsChanges()
    {
        using (var transaction = _connection.BeginTransaction(IsolationLevel.Snapshot))
        {
            _connection.ExecuteNonQuery("INSERT INTO t VALUES (1)");
            Assert.Equal(1L, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
            transaction.Rollback();
        }

        Assert.Equal(0L, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void Dispose_WithoutCommit_RollsBack()
    {
        using (_connection.BeginTransaction())
        {
            _connection.ExecuteNonQuery("INSERT INTO t VALUES (1)");
        }

        Assert.Equal(0L, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void BeginTransaction_UnsupportedIsolation_Throws()
    {
        var error = Assert.Throws<NotSupportedException>(() => _connection.BeginTransaction(IsolationLevel.ReadUncommitted));
        Assert.Contains("Snapshot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Commit_Twice_ThrowsClearError()
    {
        using var transaction = _connection.BeginTransaction();
        transaction.Commit();
        Assert.Throws<InvalidOperationException>(transaction.Commit);
    }

    [Fact]
    public void Commit_OtherConnectionSeesDataOnlyAfterwards()
    {
        var path = Path.Combine(Path.GetTempPath(), "nagare-tx-" + Guid.NewGuid().ToString("N") + ".duckdb");
        try
        {
            using var writer = TypeAssert.Open(path);
            using var observer = TypeAssert.Open(path);
            writer.ExecuteNonQuery("CREATE TABLE t(a INT)");
            using var transaction = writer.BeginTransaction();
            writer.ExecuteNonQuery("INSERT INTO t VALUES (1)");
            Assert.Equal(0L, observer.ExecuteScalar<long>("SELECT count(*) FROM t"));
            transaction.Commit();
            Assert.Equal(1L, observer.ExecuteScalar<long>("SELECT count(*) FROM t"));
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".wal");
        }
    }
}
