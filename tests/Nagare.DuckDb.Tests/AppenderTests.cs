using System.Text;
using Nagare.DuckDb.Appending;

namespace Nagare.DuckDb.Tests;

public sealed class AppenderTests : IDisposable
{
    private readonly DuckDbConnection _connection;

    public AppenderTests()
    {
        _connection = new DuckDbConnection("Data Source=:memory:");
        _connection.Open();
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void AppendChunk_MillionMixedRows_AggregatesMatch()
    {
        const int Rows = 1_000_000;
        _connection.ExecuteNonQuery("""
            CREATE TABLE t(id BIGINT, amount DOUBLE, name VARCHAR, price DECIMAL(18,2), day DATE,
                           ts TIMESTAMP, flag BOOLEAN, uid UUID)
            """);

        long nullNames = 0, nameBytes = 0, nullPrices = 0;
        decimal priceSum = 0;
        using (var appender = _connection.CreateAppender("t"))
        {
            var chunk = appender.Chunk;
            var capacity = chunk.Capacity;
            var amounts = new double[capacity];
            var names = new string?[capacity];
            var prices = new decimal?[capacity];
            var days = new DateOnly[capacity];
            var stamps = new DateTime[capacity];
            var flags = new bool[capacity];
            var uids = new Guid[capacity];
            for (var start = 0; start < Rows; start += capacity)
            {
                var n = Math.Min(capacity, Rows - start);
                var ids = chunk.GetData<long>(0);
                for (var r = 0; r < n; r++)
                {
                    var i = start + r;
                    ids[r] = i;
                    amounts[r] = i * 0.5;
                    names[r] = NameOf(i);
                    prices[r] = i % 11 == 0 ? null : (i % 1000) + 0.25m;
                    days[r] = new DateOnly(2020, 1, 1).AddDays(i % 1000);
                    stamps[r] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddSeconds(i);
                    flags[r] = i % 2 == 0;
                    uids[r] = UuidOf(i);
                    if (names[r] is { } name)
                    {
                        nameBytes += Encoding.UTF8.GetByteCount(name);
                    }
                    else
                    {
                        nullNames++;
                    }

                    if (prices[r] is { } price)
                    {
                        priceSum += price;
                    }
                    else
                    {
                        nullPrices++;
                    }
                }

                chunk.Write<double>(1, amounts.AsSpan(0, n));
                chunk.Write<string?>(2, names.AsSpan(0, n));
                chunk.Column(3).WriteNullable<decimal>(prices.AsSpan(0, n));
                chunk.Write<DateOnly>(4, days.AsSpan(0, n));
                chunk.Write<DateTime>(5, stamps.AsSpan(0, n));
                chunk.Write<bool>(6, flags.AsSpan(0, n));
                chunk.Write<Guid>(7, uids.AsSpan(0, n));
                chunk.Size = n;
                appender.AppendChunk();
            }

            appender.Close();
            Assert.Equal(Rows, appender.RowsAppended);
        }

        Assert.Equal(Rows, _connection.ExecuteScalar<long>("SELECT count(*) FROM t"));
        Assert.Equal((long)Rows * (Rows - 1) / 2, _connection.ExecuteScalar<long>("SELECT sum(id) FROM t"));
        Assert.Equal((double)Rows * (Rows - 1) / 4, _connection.ExecuteScalar<double>("SELECT sum(amount) FROM t"));
        Assert.Equal(nullNames, _connection.ExecuteScalar<long>("SELECT count(*) FROM t WHERE name IS NULL"));
        Assert.Equal(nameBytes, _connection.ExecuteScalar<long>("SELECT sum(strlen(name)) FROM t"));
        Assert.Equal(nullPrices, _connection.ExecuteScalar<long>("SELECT count(*) FROM t WHERE price IS NULL"));
        Assert.Equal(priceSum, _connection.ExecuteScalar<decimal>("SELECT sum(price) FROM t"));
        Assert.Equal(Rows / 2, _connection.ExecuteScalar<long>("SELECT count(*) FROM t WHERE flag"));
        Assert.Equal(Rows, _connection.ExecuteScalar<long>("SELECT count(DISTINCT uid) FROM t"));
        Assert.True(_connection.ExecuteScalar<bool>("SELECT min(day) = DATE '2020-01-01' AND max(day) = DATE '2022-09-26' FROM t"));
        Assert.True(_connection.ExecuteScalar<bool>("SELECT max(ts) = TIMESTAMP '2024-01-12 13:46:39' FROM t"));

        Assert.Equal(NameOf(999_999), _connection.ExecuteScalar<string>("SELECT name FROM t WHERE id = 999999"));
        Assert.Equal(NameOf(123_457), _connection.ExecuteScalar<string>("SELECT name FROM t WHERE id = 123457"));
        Assert.Equal(NameOf(4), _connection.ExecuteScalar<string>("SELECT name FROM t WHERE id = 4"));
        Assert.Equal(UuidOf(424_242).ToString(), _connection.ExecuteScalar<string>("SELECT uid::VARCHAR FROM t WHERE id = 424242"));
        Assert.Equal("2024-01-02 10:17:36", _connection.ExecuteScalar<string>("SELECT ts::VARCHAR FROM t WHERE id = 123456"));
        Assert.Equal("456.25", _connection.ExecuteScalar<string>("SELECT price::VARCHAR FROM t WHERE id = 123456"));
    }

    [Fact]
    public void AppendRow_EveryScalarType_RoundTrips()
    {
        _connection.ExecuteNonQuery("""
            CREATE TABLE t(a TINYINT, b SMALLINT, c INTEGER, d BIGINT, e HUGEINT, f UTINYINT, g USMALLINT,
                           h UINTEGER, i UBIGINT, j UHUGEINT, k FLOAT, l DOUBLE, m DECIMAL(4,1), n DECIMAL(38,10),
                           o VARCHAR, p BLOB, q DATE, r TIME, s TIMESTAMP_MS, u TIMESTAMPTZ, v INTERVAL, w UUID,
                           x BOOLEAN, y ENUM('red', 'green'))
            """);
        using (var appender = _connection.CreateAppender("main", "t"))
        {
            appender.AppendRow(
                (sbyte)-8, (short)-16, -32, -64L, Int128.MaxValue, (byte)8, (ushort)16, 32U, ulong.MaxValue, UInt128.MaxValue,
                1.5f, 2.25, 123.45m, 1234567890123456789.0123456789m, "héllo wörld, long enough", new byte[] { 0, 1, 2, 255 },
                new DateOnly(1969, 7, 20), new TimeOnly(23, 59, 58, 123), new DateTime(1999, 12, 31, 23, 59, 59, 999),
                new DateTimeOffset(2024, 5, 6, 9, 0, 0, TimeSpan.FromHours(9)), new TimeSpan(3, 4, 5, 6),
                Guid.Parse("0a1b2c3d-4e5f-6789-abcd-ef0123456789"), true, "green");
            appender.AppendRow(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
            appender.Close();
        }

        Assert.Equal(
            "-8|-16|-32|-64|170141183460469231731687303715884105727|8|16|32|18446744073709551615|340282366920938463463374607431768211455"
            + "|1.5|2.25|123.5|1234567890123456789.0123456789|héllo wörld, long enough|\\x00\\x01\\x02\\xFF|1969-07-20|23:59:58.123"
            + "|1999-12-31 23:59:59.999|2024-05-06 00:00:00|3 days 04:05:06|0a1b2c3d-4e5f-6789-abcd-ef0123456789|true|green",
            _connection.ExecuteScalar<string>("""
                SELECT concat_ws('|', a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s,
                                 timezone('UTC', u), v, w, x, y) FROM t WHERE a IS NOT NULL
                """));
        Assert.Equal(1, _connection.ExecuteScalar<long>("""
            SELECT count(*) FROM t WHERE a IS NULL AND b IS NULL AND e IS NULL AND j IS NULL AND n IS NULL
              AND o IS NULL AND p IS NULL AND u IS NULL AND v IS NULL AND w IS NULL AND x IS NULL AND y IS NULL
            """));
    }

    [Theory]
    [InlineData("DECIMAL(4,1)", "1.25", "1.3")]
    [InlineData("DECIMAL(4,1)", "-1.25", "-1.3")]
    [InlineData("DECIMAL(9,3)", "-123456.0004", "-123456.000")]
    [InlineData("DECIMAL(18,6)", "999999999999.9999994", "999999999999.999999")]
    [InlineData("DECIMAL(38,20)", "123456789012345678.5", "123456789012345678.50000000000000000000")]
    [InlineData("DECIMAL(38,0)", "79228162514264337593543950335", "79228162514264337593543950335")]
    public void Write_DecimalAnyWidth_RoundsHalfAwayFromZero(string type, string value, string expected)
    {
        _connection.ExecuteNonQuery($"CREATE TABLE t(x {type})");
        using (var appender = _connection.CreateAppender("t"))
        {
            appender.Chunk.Set(0, 0, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
            appender.Chunk.Size = 1;
            appender.Close();
        }

        Assert.Equal(expected, _connection.ExecuteScalar<string>("SELECT x::VARCHAR FROM t"));
    }

    [Fact]
    public void Write_DecimalTooWide_ThrowsOutOfRange()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(x DECIMAL(4,1))");
        using var appender = _connection.CreateAppender("t");

        var error = Assert.Throws<DuckDbException>(() => appender.Chunk.Write<decimal>(0, [1m, 999.96m]));

        Assert.Contains("999.96", error.Message, StringComparison.Ordinal);
        Assert.Contains("DECIMAL(4,1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("table \"t\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_IntegerOverflowIntoNarrowColumn_ThrowsOutOfRange()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(x SMALLINT)");
        using var appender = _connection.CreateAppender("t");

        var error = Assert.Throws<DuckDbException>(() => appender.Chunk.Write<long>(0, [1, 2, 40_000]));

        Assert.Contains("40000 (row 2) is out of range for SMALLINT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendRow_WrongClrType_ThrowsTypeMismatchNamingColumn()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(a INTEGER, b INTEGER)");
        using var appender = _connection.CreateAppender("t");

        var error = Assert.Throws<DuckDbException>(() => appender.AppendRow(1, "two"));

        Assert.Equal("Cannot write String to column 1 of table \"t\", which is INTEGER.", error.Message);
    }

    [Fact]
    public void CreateAppender_UnknownTable_ThrowsAndConnectionStaysUsable()
    {
        var error = Assert.Throws<DuckDbException>(() => _connection.CreateAppender("missing_table"));

        Assert.Contains("missing_table", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be found", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _connection.ExecuteScalar<int>("SELECT 1 + 1"));
    }

    [Fact]
    public void Close_NotNullViolation_ThrowsConstraintErrorAndConnectionStaysUsable()
    {
        _connection.ExecuteNonQuery("CREATE TABLE strict_t(a INTEGER NOT NULL, b VARCHAR)");
        var appender = _connection.CreateAppender("strict_t");
        appender.AppendRow(1, "ok");
        appender.AppendRow(null, "bad");

        var error = Assert.Throws<DuckDbException>(appender.Close);
        appender.Dispose();

        Assert.Contains("NOT NULL constraint failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("strict_t", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _connection.ExecuteScalar<long>("SELECT count(*) FROM strict_t"));
        using var retry = _connection.CreateAppender("strict_t");
        retry.AppendRow(2, "fine");
        retry.Close();
        Assert.Equal(2, _connection.ExecuteScalar<int>("SELECT a FROM strict_t"));
    }

    [Fact]
    public void Flush_PrimaryKeyViolation_ThrowsAndAppenderRefusesMoreRows()
    {
        _connection.ExecuteNonQuery("CREATE TABLE keyed(id INTEGER PRIMARY KEY); INSERT INTO keyed VALUES (7)");
        using var appender = _connection.CreateAppender("keyed");
        appender.AppendRow(7);

        var error = Assert.Throws<DuckDbException>(appender.Flush);

        Assert.Contains("keyed", error.Message, StringComparison.Ordinal);
        Assert.Contains("Duplicate key", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => appender.AppendRow(8));
        Assert.Equal(1, _connection.ExecuteScalar<long>("SELECT count(*) FROM keyed"));
    }

    [Fact]
    public void Dispose_WithoutClose_FlushesBufferedRows()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(a INTEGER)");
        using (var appender = _connection.CreateAppender("t"))
        {
            for (var i = 1; i <= 5000; i++)
            {
                appender.AppendRow(i);
            }
        }

        Assert.Equal(5000L * 5001 / 2, _connection.ExecuteScalar<long>("SELECT sum(a) FROM t"));
    }

    [Fact]
    public void CreateAppender_ColumnSubset_OtherColumnsGetDefaults()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(a INTEGER DEFAULT 42, b VARCHAR, c DOUBLE)");
        using (var appender = _connection.CreateAppender(null, "t", ["c", "b"]))
        {
            Assert.Equal([DuckDbColumnType.Double, DuckDbColumnType.Varchar], appender.ColumnTypes);
            appender.AppendRow(1.5, "x");
            appender.Close();
        }

        Assert.Equal("42|x|1.5", _connection.ExecuteScalar<string>("SELECT concat_ws('|', a, b, c) FROM t"));
    }

    [Fact]
    public void SetList_ManyRowsAcrossChunks_ElementsLand()
    {
        _connection.ExecuteNonQuery("CREATE TABLE t(id INTEGER, nums BIGINT[], tags VARCHAR[])");
        const int Rows = 5000;
        long expectedSum = 0, expectedElements = 0;
        using (var appender = _connection.CreateAppender("t"))
        {
            var chunk = appender.Chunk;
            var nums = new long[10];
            for (var i = 0; i < Rows; i++)
            {
                var row = chunk.Size;
                var count = i % 10;
                for (var k = 0; k < count; k++)
                {
                    nums[k] = i + k;
                    expectedSum += i + k;
                }

                expectedElements += count;
                chunk.Set(0, row, i);
                chunk.SetList<long>(1, row, nums.AsSpan(0, count));
                if (i % 3 == 0)
                {
                    chunk.SetNull(2, row);
                }
                else
                {
                    chunk.SetList<string?>(2, row, ["tag-" + i, null, "a longer tag that is not inline " + i]);
                }

                chunk.Size = row + 1;
                if (chunk.IsFull)
                {
                    appender.AppendChunk();
                }
            }

            appender.Close();
        }

        Assert.Equal(expectedElements, _connection.ExecuteScalar<long>("SELECT sum(len(nums)) FROM t"));
        Assert.Equal(expectedSum, _connection.ExecuteScalar<long>("SELECT sum(x) FROM (SELECT unnest(nums) AS x FROM t)"));
        Assert.Equal(Rows / 3 + 1, _connection.ExecuteScalar<long>("SELECT count(*) FROM t WHERE tags IS NULL"));
        Assert.Equal("[tag-4999, NULL, a longer tag that is not inline 4999]", _connection.ExecuteScalar<string>("SELECT tags::VARCHAR FROM t WHERE id = 4999"));
        Assert.Equal("[4999, 5000, 5001, 5002, 5003, 5004, 5005, 5006, 5007]", _connection.ExecuteScalar<string>("SELECT nums::VARCHAR FROM t WHERE id = 4999"));
    }

    [Fact]
    public void ConnectionClose_WithOpenAppender_FlushesAndFinishesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nagare-appender-{Guid.NewGuid():N}.duckdb");
        try
        {
            using var keeper = new DuckDbConnection($"Data Source={path}");
            keeper.Open();
            keeper.ExecuteNonQuery("CREATE TABLE t(a INTEGER)");
            var connection = new DuckDbConnection($"Data Source={path}");
            connection.Open();
            var appender = connection.CreateAppender("t");
            appender.AppendRow(5);

            connection.Close();

            Assert.Throws<ObjectDisposedException>(() => appender.AppendRow(6));
            appender.Dispose();
            Assert.Equal(5, keeper.ExecuteScalar<int>("SELECT sum(a) FROM t"));
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".wal");
        }
    }

    private static string? NameOf(int i) => (i % 7, i % 3) switch
    {
        (0, _) => null,
        (_, 0) => "日本語テキスト-" + i,
        (_, 1) => "n" + i,
        _ => "a-much-longer-string-" + i,
    };

    private static Guid UuidOf(int i) => new(i, (short)(i >> 16), (short)i, 1, 2, 3, 4, 5, 6, 7, (byte)i);
}
