using System.Data;
using System.Data.Common;

namespace Nagare.DuckDb.Tests;

public sealed class DataReaderTests : IDisposable
{
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void GetValue_ClosedReader_ThrowsClearError()
    {
        using var command = new DuckDbCommand("SELECT 1 AS a", _connection);
        var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        reader.Dispose();
        Assert.True(reader.IsClosed);
        var error = Assert.Throws<InvalidOperationException>(() => reader.GetInt32(0));
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => reader.Read());
    }

    [Fact]
    public void GetValue_BeforeRead_ThrowsClearError()
    {
        using var command = new DuckDbCommand("SELECT 1 AS a", _connection);
        using var reader = command.ExecuteReader();
        var error = Assert.Throws<InvalidOperationException>(() => reader.GetInt32(0));
        Assert.Contains("Read()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionClose_OpenReader_ClosesIt()
    {
        using var command = new DuckDbCommand("SELECT * FROM range(10000)", _connection);
        var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        _connection.Close();
        Assert.True(reader.IsClosed);
        Assert.Throws<InvalidOperationException>(() => reader.GetInt64(0));
    }

    [Fact]
    public void GetOrdinal_CaseInsensitive_FindsColumn()
    {
        using var command = new DuckDbCommand("SELECT 1 AS Alpha, 2 AS beta", _connection);
        using var reader = command.ExecuteReader();
        Assert.Equal(0, reader.GetOrdinal("alpha"));
        Assert.Equal(1, reader.GetOrdinal("beta"));
        Assert.Throws<IndexOutOfRangeException>(() => reader.GetOrdinal("gamma"));
    }

    [Fact]
    public void GetString_OnInteger_ThrowsInvalidCastNamingColumn()
    {
        using var command = new DuckDbCommand("SELECT 1 AS num", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var error = Assert.Throws<InvalidCastException>(() => reader.GetString(0));
        Assert.Contains("'num'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetSchemaTable_DescribesColumns()
    {
        using var command = new DuckDbCommand("SELECT 1::BIGINT AS id, 2.5::DECIMAL(9,2) AS price, 'x' AS name", _connection);
        using var reader = command.ExecuteReader();
        var schema = reader.GetSchemaTable();
        Assert.Equal(3, schema.Rows.Count);
        Assert.Equal("id", schema.Rows[0][SchemaTableColumn.ColumnName]);
        Assert.Equal(typeof(long), schema.Rows[0][SchemaTableColumn.DataType]);
        Assert.Equal((short)9, schema.Rows[1][SchemaTableColumn.NumericPrecision]);
        Assert.Equal((short)2, schema.Rows[1][SchemaTableColumn.NumericScale]);
        Assert.Equal("VARCHAR", schema.Rows[2]["DataTypeName"]);
        var columns = reader.GetColumnSchema();
        Assert.Equal("price", columns[1].ColumnName);
        Assert.Equal(typeof(decimal), columns[1].DataType);
    }

    [Fact]
    public void HasRows_EmptyResult_IsFalse()
    {
        using var command = new DuckDbCommand("SELECT 1 WHERE false", _connection);
        using var reader = command.ExecuteReader();
        Assert.False(reader.HasRows);
        Assert.Equal(1, reader.FieldCount);
        Assert.False(reader.Read());
    }

    [Fact]
    public void CloseConnectionBehavior_ClosesConnection()
    {
        using var command = new DuckDbCommand("SELECT 1", _connection);
        using (var reader = command.ExecuteReader(CommandBehavior.CloseConnection))
        {
            Assert.True(reader.Read());
        }

        Assert.Equal(ConnectionState.Closed, _connection.State);
    }

    [Fact]
    public void GetValues_FillsArray()
    {
        using var command = new DuckDbCommand("SELECT 1, 'two', NULL", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var values = new object[3];
        Assert.Equal(3, reader.GetValues(values));
        Assert.Equal([1, "two", DBNull.Value], values);
    }

    [Fact]
    public void Read_TenMillionRows_TypedGettersSumCorrectly()
    {
        using var command = new DuckDbCommand("SELECT i, i::DOUBLE / 2 AS d, CASE WHEN i % 1000 = 0 THEN 'long string value ' || i ELSE 's' END AS s FROM range(10000000) t(i)", _connection);
        using var reader = command.ExecuteReader();
        long sum = 0, chars = 0, rows = 0;
        double dsum = 0;
        while (reader.Read())
        {
            sum += reader.GetInt64(0);
            dsum += reader.GetDouble(1);
            chars += reader.GetString(2).Length;
            rows++;
        }

        Assert.Equal(10_000_000, rows);
        Assert.Equal(49999995000000L, sum);
        Assert.Equal(24999997500000.0, dsum);
        Assert.True(chars > 10_000_000);
    }
}
