using System.Data;

namespace Nagare.DuckDb.Tests;

public sealed class CommandTests
{
    [Fact]
    public void ExecuteScalar_Integer_ReturnsValue()
    {
        using var connection = TypeAssert.Open();
        Assert.Equal(42, connection.ExecuteScalar<int>("SELECT 42"));
        Assert.Equal(3L, connection.ExecuteScalar<long>("SELECT count(*) FROM range(3)"));
        Assert.Equal(3, connection.ExecuteScalar<int>("SELECT count(*) FROM range(3)"));
        Assert.Null(connection.ExecuteScalar<string>("SELECT NULL::VARCHAR"));
        Assert.Null(connection.ExecuteScalar<int?>("SELECT 1 WHERE false"));
    }

    [Fact]
    public void ExecuteNonQuery_InsertUpdateDelete_ReturnsRowsChanged()
    {
        using var connection = TypeAssert.Open();
        Assert.Equal(-1, connection.ExecuteNonQuery("CREATE TABLE t(a INT)"));
        Assert.Equal(3, connection.ExecuteNonQuery("INSERT INTO t VALUES (1), (2), (3)"));
        Assert.Equal(2, connection.ExecuteNonQuery("UPDATE t SET a = a + 10 WHERE a >= 2"));
        Assert.Equal(1, connection.ExecuteNonQuery("DELETE FROM t WHERE a = 1"));
        Assert.Equal(25L, connection.ExecuteScalar<long>("SELECT sum(a) FROM t"));
    }

    [Fact]
    public void ExecuteNonQuery_SeveralStatements_RunsAllAndSumsRows()
    {
        using var connection = TypeAssert.Open();
        var changed = connection.ExecuteNonQuery("CREATE TABLE t(a INT); INSERT INTO t VALUES (1), (2); SELECT * FROM t; INSERT INTO t VALUES (3);");
        Assert.Equal(3, changed);
        Assert.Equal(6L, connection.ExecuteScalar<long>("SELECT sum(a) FROM t"));
    }

    [Fact]
    public void ExecuteReader_SeveralQueries_NextResultMovesOn()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand("CREATE TABLE t AS SELECT 1 AS a; SELECT a FROM t; INSERT INTO t VALUES (2); SELECT 'x' AS b, 2 AS c", connection);
        using var reader = command.ExecuteReader();
        Assert.Equal("a", reader.GetName(0));
        Assert.True(reader.Read());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.False(reader.Read());
        Assert.True(reader.NextResult());
        Assert.Equal(2, reader.FieldCount);
        Assert.True(reader.Read());
        Assert.Equal("x", reader.GetString(0));
        Assert.Equal(1, reader.RecordsAffected);
        Assert.False(reader.NextResult());
    }

    [Fact]
    public void ExecuteReader_ClosedEarly_RemainingStatementsStillRun()
    {
        using var connection = TypeAssert.Open();
        using (var command = new DuckDbCommand("CREATE TABLE t(a INT); SELECT 1; INSERT INTO t VALUES (7)", connection))
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.HasRows);
        }

        Assert.Equal(7, connection.ExecuteScalar<int>("SELECT a FROM t"));
    }

    [Fact]
    public void ExecuteReader_ManyChunks_ReadsEveryRow()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand("SELECT i, i * 0.5 AS d, 'row ' || i AS s FROM range(100000) t(i)", connection);
        using var reader = command.ExecuteReader();
        long count = 0, sum = 0;
        double dsum = 0;
        while (reader.Read())
        {
            sum += reader.GetInt64(0);
            dsum += reader.GetDouble(1);
            if (count == 99999)
            {
                Assert.Equal("row 99999", reader.GetString(2));
            }

            count++;
        }

        Assert.Equal(100000, count);
        Assert.Equal(4999950000L, sum);
        Assert.Equal(4999950000 * 0.5, dsum);
    }

    [Fact]
    public void ExecuteReader_InvalidSql_ThrowsWithDuckDbMessage()
    {
        using var connection = TypeAssert.Open();
        var error = Assert.Throws<DuckDbException>(() => connection.ExecuteNonQuery("SELEC 1"));
        Assert.Contains("syntax error", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(14, error.ErrorType);
    }

    [Fact]
    public void ExecuteReader_MissingTable_ThrowsCatalogError()
    {
        using var connection = TypeAssert.Open();
        var error = Assert.Throws<DuckDbException>(() => connection.ExecuteScalar<int>("SELECT * FROM nowhere"));
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Catalog Error", error.Message, StringComparison.Ordinal);
        Assert.Equal(13, error.ErrorType);
    }

    [Fact]
    public void ExecuteReader_RuntimeError_ThrowsWithErrorType()
    {
        using var connection = TypeAssert.Open();
        var error = Assert.Throws<DuckDbException>(() => connection.ExecuteScalar<int>("SELECT CAST('abc' AS INTEGER)"));
        Assert.Contains("abc", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.ErrorType);
        Assert.Equal(1, connection.ExecuteScalar<int>("SELECT 1"));
    }

    [Fact]
    public void ExecuteReader_ClosedConnection_ThrowsInvalidOperation()
    {
        using var connection = new DuckDbConnection();
        using var command = new DuckDbCommand("SELECT 1", connection);
        var error = Assert.Throws<InvalidOperationException>(() => command.ExecuteScalar());
        Assert.Contains("not open", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteReader_WhileAnotherReaderOpen_ThrowsClearError()
    {
        using var connection = TypeAssert.Open();
        using var command = new DuckDbCommand("SELECT 1", connection);
        using var reader = command.ExecuteReader();
        var error = Assert.Throws<InvalidOperationException>(() => connection.ExecuteNonQuery("SELECT 2"));
        Assert.Contains("open data reader", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_ExecutedTwiceWithNewValues_ReusesStatement()
    {
        using var connection = TypeAssert.Open();
        connection.ExecuteNonQuery("CREATE TABLE t(a INT, b VARCHAR)");
        using var command = new DuckDbCommand("INSERT INTO t VALUES ($a, $b)", connection);
        var a = command.Parameters.Add("a", 0);
        var b = command.Parameters.Add("$b", "");
        command.Prepare();
        for (var i = 0; i < 5; i++)
        {
            a.Value = i;
            b.Value = "v" + i;
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        Assert.Equal("v0,v1,v2,v3,v4", connection.ExecuteScalar<string>("SELECT string_agg(b, ',' ORDER BY a) FROM t"));
    }

    [Fact]
    public void GetQueryProgress_Idle_ReturnsMinusOne()
    {
        using var connection = TypeAssert.Open();
        Assert.Equal(-1, connection.GetQueryProgress().Percentage);
    }

    [Fact]
    public void CreateCommand_ProviderFactory_CreatesWorkingObjects()
    {
        var factory = DuckDbProviderFactory.Instance;
        using var connection = factory.CreateConnection()!;
        connection.ConnectionString = "Data Source=:memory:";
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT $x + 1";
        var parameter = factory.CreateParameter()!;
        parameter.ParameterName = "x";
        parameter.Value = 41;
        command.Parameters.Add(parameter);
        Assert.Equal(42, Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ConnectionState.Open, connection.State);
    }
}
