using System.Data;
using System.Numerics;

namespace Nagare.DuckDb.Tests;

public sealed class ParameterTests : IDisposable
{
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public void Dispose() => _connection.Dispose();

    private object Echo(object? value, string sqlType)
    {
        using var command = new DuckDbCommand($"SELECT CAST($v AS {sqlType}), typeof($v)", _connection);
        command.Parameters.Add("v", value);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return reader.GetValue(0);
    }

    [Fact]
    public void Bind_EveryClrType_ReadsBackEqual()
    {
        Assert.Equal(true, Echo(true, "BOOLEAN"));
        Assert.Equal((sbyte)-5, Echo((sbyte)-5, "TINYINT"));
        Assert.Equal((short)-300, Echo((short)-300, "SMALLINT"));
        Assert.Equal(-70000, Echo(-70000, "INTEGER"));
        Assert.Equal(long.MinValue, Echo(long.MinValue, "BIGINT"));
        Assert.Equal((byte)200, Echo((byte)200, "UTINYINT"));
        Assert.Equal((ushort)60000, Echo((ushort)60000, "USMALLINT"));
        Assert.Equal(4000000000u, Echo(4000000000u, "UINTEGER"));
        Assert.Equal(ulong.MaxValue, Echo(ulong.MaxValue, "UBIGINT"));
        Assert.Equal(Int128.MinValue, Echo(Int128.MinValue, "HUGEINT"));
        Assert.Equal(UInt128.MaxValue, Echo(UInt128.MaxValue, "UHUGEINT"));
        Assert.Equal((Int128)123456789012345678, Echo(new BigInteger(123456789012345678), "HUGEINT"));
        Assert.Equal(1.25f, Echo(1.25f, "FLOAT"));
        Assert.Equal(double.NaN, Echo(double.NaN, "DOUBLE"));
        Assert.Equal(-12345.6789m, Echo(-12345.6789m, "DECIMAL(18,4)"));
        Assert.Equal(79228162514264337593543950335m, Echo(decimal.MaxValue, "DECIMAL(38,0)"));
        Assert.Equal("héllo wörld, long enough", Echo("héllo wörld, long enough", "VARCHAR"));
        Assert.Equal(new byte[] { 1, 2, 3 }, Echo(new byte[] { 1, 2, 3 }, "BLOB"));
        Assert.Equal(new DateOnly(2020, 1, 31), Echo(new DateOnly(2020, 1, 31), "DATE"));
        Assert.Equal(new TimeOnly(23, 59, 58, 1), Echo(new TimeOnly(23, 59, 58, 1), "TIME"));
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, 7), Echo(new DateTime(2001, 2, 3, 4, 5, 6, 7), "TIMESTAMP"));
        Assert.Equal(new DuckDbInterval(0, 2, 3_600_000_000), Echo(TimeSpan.FromHours(49), "INTERVAL"));
        Assert.Equal(new DuckDbInterval(5, 1, 2), Echo(new DuckDbInterval(5, 1, 2), "INTERVAL"));
        var guid = Guid.Parse("a0b1c2d3-e4f5-4607-8899-aabbccddeeff");
        Assert.Equal(guid, Echo(guid, "UUID"));
        Assert.Equal(new DuckDbTimeTz(new TimeOnly(1, 2, 3), -3600), Echo(new DuckDbTimeTz(new TimeOnly(1, 2, 3), -3600), "TIMETZ"));
        Assert.Equal(3, Echo(DayOfWeek.Wednesday, "INTEGER"));
        Assert.Same(DBNull.Value, Echo(null, "INTEGER"));
        Assert.Same(DBNull.Value, Echo(DBNull.Value, "VARCHAR"));
    }

    [Fact]
    public void Bind_DateTimeWithDateDbType_BindsDate()
    {
        using var command = new DuckDbCommand("SELECT typeof($d)", _connection);
        command.Parameters.Add(new DuckDbParameter("d", new DateTime(2020, 5, 6)) { DbType = DbType.Date });
        Assert.Equal("DATE", command.ExecuteScalar());
    }

    [Fact]
    public void Bind_Guid_MatchesDuckDbText()
    {
        var guid = Guid.NewGuid();
        using var command = new DuckDbCommand("SELECT CAST($1 AS VARCHAR)", _connection);
        command.Parameters.AddPositional(guid);
        Assert.Equal(guid.ToString(), command.ExecuteScalar());
    }

    [Fact]
    public void Bind_QuestionMarkPlaceholders_BindInOrder()
    {
        using var command = new DuckDbCommand("SELECT ? || '-' || ?", _connection);
        command.Parameters.AddPositional("a");
        command.Parameters.AddPositional("b");
        Assert.Equal("a-b", command.ExecuteScalar());
    }

    [Fact]
    public void Bind_DollarNumberPlaceholders_ReuseValues()
    {
        using var command = new DuckDbCommand("SELECT $2 * 10 + $1 + $2", _connection);
        command.Parameters.AddPositional(1);
        command.Parameters.AddPositional(2);
        Assert.Equal(23, Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Bind_NamedWithAnyPrefix_Resolves()
    {
        using var command = new DuckDbCommand("SELECT $first || $Second", _connection);
        command.Parameters.Add("@first", "x");
        command.Parameters.Add(":second", "y");
        Assert.Equal("xy", command.ExecuteScalar());
    }

    [Fact]
    public void Bind_MissingValue_ThrowsDuckDbMessage()
    {
        using var command = new DuckDbCommand("SELECT $1 + $2", _connection);
        command.Parameters.AddPositional(1);
        var error = Assert.Throws<DuckDbException>(() => command.ExecuteScalar());
        Assert.Contains("2", error.Message, StringComparison.Ordinal);
        Assert.Contains("parameter", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Bind_UnknownNamedParameter_ThrowsClearError()
    {
        using var command = new DuckDbCommand("SELECT $a", _connection);
        command.Parameters.Add("a", 1);
        command.Parameters.Add("typo", 2);
        var error = Assert.Throws<DuckDbException>(() => command.ExecuteScalar());
        Assert.Contains("'typo'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_NamedPlaceholderWithoutValue_ThrowsNamingIt()
    {
        using var command = new DuckDbCommand("SELECT $needed", _connection);
        var error = Assert.Throws<DuckDbException>(() => command.ExecuteScalar());
        Assert.Contains("needed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_TooManyPositionalValues_ThrowsClearError()
    {
        using var command = new DuckDbCommand("SELECT $1", _connection);
        command.Parameters.AddPositional(1);
        command.Parameters.AddPositional(2);
        var error = Assert.Throws<DuckDbException>(() => command.ExecuteScalar());
        Assert.Contains("2 parameters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_WrongType_ThrowsDuckDbConversionError()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(a INTEGER)");
        using var command = new DuckDbCommand("INSERT INTO t VALUES ($1)", _connection);
        command.Parameters.AddPositional("not a number");
        var error = Assert.Throws<DuckDbException>(() => command.ExecuteNonQuery());
        Assert.Contains("not a number", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public void Bind_UnsupportedClrType_ThrowsNamingType()
    {
        using var command = new DuckDbCommand("SELECT $1", _connection);
        command.Parameters.AddPositional(new Uri("http://example.com"));
        var error = Assert.Throws<NotSupportedException>(() => command.ExecuteScalar());
        Assert.Contains("Uri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_SeveralStatements_EachNumbersFromOne()
    {
        using var command = new DuckDbCommand("CREATE TABLE p(a INT, b VARCHAR); INSERT INTO p VALUES ($a, $b); SELECT b FROM p WHERE a = $a", _connection);
        command.Parameters.Add("a", 5);
        command.Parameters.Add("b", "five");
        Assert.Equal("five", command.ExecuteScalar());
    }
}
