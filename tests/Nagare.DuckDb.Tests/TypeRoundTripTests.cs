using System.Numerics;

namespace Nagare.DuckDb.Tests;

public sealed class TypeRoundTripTests : IDisposable
{
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Boolean_Values_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "true", true, "BOOLEAN");
        TypeAssert.RoundTrip(_connection, "false", false, "BOOLEAN");
    }

    [Fact]
    public void SignedIntegers_Extremes_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "CAST(-128 AS TINYINT)", sbyte.MinValue, "TINYINT");
        TypeAssert.RoundTrip(_connection, "CAST(127 AS TINYINT)", sbyte.MaxValue, "TINYINT");
        TypeAssert.RoundTrip(_connection, "CAST(-32768 AS SMALLINT)", short.MinValue, "SMALLINT");
        TypeAssert.RoundTrip(_connection, "CAST(32767 AS SMALLINT)", short.MaxValue, "SMALLINT");
        TypeAssert.RoundTrip(_connection, "CAST(-2147483648 AS INTEGER)", int.MinValue, "INTEGER");
        TypeAssert.RoundTrip(_connection, "CAST(2147483647 AS INTEGER)", int.MaxValue, "INTEGER");
        TypeAssert.RoundTrip(_connection, "CAST(-9223372036854775808 AS BIGINT)", long.MinValue, "BIGINT");
        TypeAssert.RoundTrip(_connection, "CAST(9223372036854775807 AS BIGINT)", long.MaxValue, "BIGINT");
    }

    [Fact]
    public void UnsignedIntegers_Extremes_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "CAST(0 AS UTINYINT)", byte.MinValue, "UTINYINT");
        TypeAssert.RoundTrip(_connection, "CAST(255 AS UTINYINT)", byte.MaxValue, "UTINYINT");
        TypeAssert.RoundTrip(_connection, "CAST(65535 AS USMALLINT)", ushort.MaxValue, "USMALLINT");
        TypeAssert.RoundTrip(_connection, "CAST(4294967295 AS UINTEGER)", uint.MaxValue, "UINTEGER");
        TypeAssert.RoundTrip(_connection, "CAST(18446744073709551615 AS UBIGINT)", ulong.MaxValue, "UBIGINT");
        TypeAssert.RoundTrip(_connection, "CAST(0 AS UBIGINT)", ulong.MinValue, "UBIGINT");
    }

    [Fact]
    public void HugeInts_Extremes_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "CAST('-170141183460469231731687303715884105728' AS HUGEINT)", Int128.MinValue, "HUGEINT");
        TypeAssert.RoundTrip(_connection, "CAST('170141183460469231731687303715884105727' AS HUGEINT)", Int128.MaxValue, "HUGEINT");
        TypeAssert.RoundTrip(_connection, "CAST(-1 AS HUGEINT)", (Int128)(-1), "HUGEINT");
        TypeAssert.RoundTrip(_connection, "CAST('340282366920938463463374607431768211455' AS UHUGEINT)", UInt128.MaxValue, "UHUGEINT");
        TypeAssert.RoundTrip(_connection, "CAST(18446744073709551616 AS UHUGEINT)", (UInt128)ulong.MaxValue + 1, "UHUGEINT");
    }

    [Fact]
    public void HugeInt_AsBigInteger_ReadsExactly()
    {
        using var command = new DuckDbCommand("SELECT CAST('-170141183460469231731687303715884105728' AS HUGEINT)", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(BigInteger.Parse("-170141183460469231731687303715884105728", System.Globalization.CultureInfo.InvariantCulture), reader.GetFieldValue<BigInteger>(0));
    }

    [Fact]
    public void Floats_SpecialValues_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "CAST(1.5 AS FLOAT)", 1.5f, "FLOAT");
        TypeAssert.RoundTrip(_connection, "CAST('-inf' AS FLOAT)", float.NegativeInfinity, "FLOAT");
        TypeAssert.RoundTrip(_connection, "CAST(3.25 AS DOUBLE)", 3.25, "DOUBLE");
        TypeAssert.RoundTrip(_connection, "CAST('nan' AS DOUBLE)", double.NaN, "DOUBLE");
        TypeAssert.RoundTrip(_connection, "CAST('inf' AS DOUBLE)", double.PositiveInfinity, "DOUBLE");
        TypeAssert.RoundTrip(_connection, "CAST('-inf' AS DOUBLE)", double.NegativeInfinity, "DOUBLE");
        TypeAssert.RoundTrip(_connection, "CAST(1.7976931348623157e308 AS DOUBLE)", double.MaxValue, "DOUBLE");
        TypeAssert.RoundTrip(_connection, "CAST(4.9e-324 AS DOUBLE)", double.Epsilon, "DOUBLE");
    }

    [Fact]
    public void Decimals_EveryStorageWidth_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "CAST(-999.9 AS DECIMAL(4,1))", -999.9m, "DECIMAL(4,1)");
        TypeAssert.RoundTrip(_connection, "CAST(12.5 AS DECIMAL(4,1))", 12.5m, "DECIMAL(4,1)");
        TypeAssert.RoundTrip(_connection, "CAST(99999.9999 AS DECIMAL(9,4))", 99999.9999m, "DECIMAL(9,4)");
        TypeAssert.RoundTrip(_connection, "CAST(-0.0001 AS DECIMAL(9,4))", -0.0001m, "DECIMAL(9,4)");
        TypeAssert.RoundTrip(_connection, "CAST(999999999999.999999 AS DECIMAL(18,6))", 999999999999.999999m, "DECIMAL(18,6)");
        TypeAssert.RoundTrip(_connection, "CAST(-123456.000001 AS DECIMAL(18,6))", -123456.000001m, "DECIMAL(18,6)");
        TypeAssert.RoundTrip(_connection, "CAST('-1234567890123456.0123456789' AS DECIMAL(38,10))", -1234567890123456.0123456789m, "DECIMAL(38,10)");
        TypeAssert.RoundTrip(_connection, "CAST(0 AS DECIMAL(38,10))", 0m, "DECIMAL(38,10)");
    }

    [Fact]
    public void GetValue_Decimal38WiderThanDotNetDecimal_IsExactNeverRounded()
    {
        using var command = new DuckDbCommand("SELECT CAST('1234567890123456789012345678.0123456789' AS DECIMAL(38,10)) AS wide, CAST(1.5 AS DECIMAL(38,10)) AS narrow", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());

        Assert.Equal(new DuckDbDecimal(Int128.Parse("12345678901234567890123456780123456789", System.Globalization.CultureInfo.InvariantCulture), 10), reader.GetValue(0));
        Assert.Equal("1234567890123456789012345678.0123456789", reader.GetValue(0).ToString());
        Assert.Equal(1.5000000000m, reader.GetValue(1));
        Assert.Equal(1234567890123456789012345678.0m, reader.GetDecimal(0));
    }

    [Fact]
    public void GetValue_ListAndStructOfWideDecimals_ElementsAreExact()
    {
        using var command = new DuckDbCommand("SELECT [CAST('-99999999999999999999999999999.5' AS DECIMAL(38,1)), 2.5] AS l, {'a': CAST('12345678901234567890123456789.5' AS DECIMAL(38,1))} AS s", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());

        var list = Assert.IsType<List<object?>>(reader.GetValue(0));
        Assert.Equal(["-99999999999999999999999999999.5", "2.5"], list.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
        var fields = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(reader.GetValue(1));
        Assert.Equal("12345678901234567890123456789.5", fields["a"]!.ToString());
    }

    [Fact]
    public void Decimal_BeyondDotNetRange_ThrowsOverflowNamingColumn()
    {
        using var command = new DuckDbCommand("SELECT CAST('12345678901234567890123456789012345678' AS DECIMAL(38,0)) AS big", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var error = Assert.Throws<OverflowException>(() => reader.GetDecimal(0));
        Assert.Contains("'big'", error.Message, StringComparison.Ordinal);
        Assert.Contains("12345678901234567890123456789012345678", error.Message, StringComparison.Ordinal);
        Assert.Equal(BigInteger.Parse("12345678901234567890123456789012345678", System.Globalization.CultureInfo.InvariantCulture), reader.GetBigInteger(0));
    }

    [Theory]
    [InlineData("1234567890123456789012345678.0123456789", "DECIMAL(38,10)")]
    [InlineData("-99999999999999999999999999999999999999", "DECIMAL(38,0)")]
    [InlineData("-0.00000000000000000000000000000000000001", "DECIMAL(38,38)")]
    [InlineData("-99999999999999.9999", "DECIMAL(18,4)")]
    [InlineData("-99.99", "DECIMAL(4,2)")]
    public void GetDuckDbDecimal_Decimal38AndNarrowStorage_ExactWhereGetDecimalCannotBe(string text, string type)
    {
        using var command = new DuckDbCommand($"SELECT CAST('{text}' AS {type})", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());

        var value = reader.GetDuckDbDecimal(0);

        Assert.Equal(text, value.ToString());
        Assert.Equal(value, reader.GetFieldValue<DuckDbDecimal>(0));
        Assert.Equal(text, reader.GetString(0));
    }

    [Fact]
    public void DuckDbDecimalParameter_Decimal38_BindsExactly()
    {
        using var command = new DuckDbCommand("SELECT CAST($1 AS VARCHAR)", _connection);
        command.Parameters.Add(new DuckDbParameter { Value = DuckDbDecimal.Parse("-1234567890123456789012345678.0123456789") });

        Assert.Equal("-1234567890123456789012345678.0123456789", command.ExecuteScalar());
    }

    [Fact]
    public void GetDuckDbDecimal_HugeInt_ScaleZero()
    {
        using var command = new DuckDbCommand("SELECT CAST('-170141183460469231731687303715884105728' AS HUGEINT)", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());

        Assert.Equal(new DuckDbDecimal(Int128.MinValue, 0), reader.GetDuckDbDecimal(0));
    }

    [Fact]
    public void WriteUnscaledDecimals_EveryStorageWidth_StoresExactly()
    {
        _connection.ExecuteNonQuery("CREATE TABLE wide(a DECIMAL(4,2), b DECIMAL(18,4), c DECIMAL(38,10), d DECIMAL(38,0))");
        Int128 big = Int128.Parse("12345678901234567890123456780123456789", System.Globalization.CultureInfo.InvariantCulture);
        Int128 max = Int128.Parse("99999999999999999999999999999999999999", System.Globalization.CultureInfo.InvariantCulture);
        using (var appender = _connection.CreateAppender("wide"))
        {
            var chunk = appender.Chunk;
            chunk.Column(0).WriteUnscaledDecimals([-9999, 50], 2);
            chunk.Column(1).WriteUnscaledDecimals([-999999999999999999, 1], 4);
            chunk.Column(2).WriteUnscaledDecimals([big, -big], 10);
            chunk.Column(3).WriteUnscaledDecimals([max, -max], 0);
            chunk.Size = 2;
            appender.AppendChunk();
            appender.Close();
        }

        using var command = new DuckDbCommand("SELECT CAST(a AS VARCHAR) || '|' || CAST(b AS VARCHAR) || '|' || CAST(c AS VARCHAR) || '|' || CAST(d AS VARCHAR) FROM wide", _connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.Equal(
            ["-99.99|-99999999999999.9999|1234567890123456789012345678.0123456789|99999999999999999999999999999999999999",
             "0.50|0.0001|-1234567890123456789012345678.0123456789|-99999999999999999999999999999999999999"],
            rows);
    }

    [Fact]
    public void WriteUnscaledDecimals_TooManyDigitsForTheColumn_ThrowsNamingValue()
    {
        _connection.ExecuteNonQuery("CREATE TABLE narrow(a DECIMAL(4,2))");
        using var appender = _connection.CreateAppender("narrow");

        var error = Assert.Throws<DuckDbException>(() => appender.Chunk.Column(0).WriteUnscaledDecimals([10000], 2));

        Assert.Contains("100.00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decimal_ScaleBeyond28_RoundsToFit()
    {
        using var command = new DuckDbCommand("SELECT CAST('0.123456789012345678901234567890123456' AS DECIMAL(38,36))", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(0.1234567890123456789012345679m, reader.GetDecimal(0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("exactly12byt")]
    [InlineData("thirteen byte")]
    [InlineData("日本語のテキスト")]
    [InlineData("emoji 🎉 and ümlauts")]
    public void Varchar_InlineAndPointerStrings_RoundTrip(string value)
    {
        TypeAssert.RoundTrip(_connection, "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'", value, "VARCHAR");
    }

    [Fact]
    public void Varchar_LongString_RoundTrips()
    {
        var value = string.Concat(Enumerable.Repeat("abcdefghij", 10_000));
        TypeAssert.RoundTrip(_connection, "repeat('abcdefghij', 10000)", value, "VARCHAR");
    }

    [Fact]
    public void Blob_Bytes_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "'\\x00\\xFF\\x10abc'::BLOB", new byte[] { 0, 255, 16, 97, 98, 99 }, "BLOB");
        TypeAssert.RoundTrip(_connection, "''::BLOB", Array.Empty<byte>(), "BLOB");
        var big = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        using var command = new DuckDbCommand("SELECT $1::BLOB", _connection);
        command.Parameters.AddPositional(big);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(big, reader.GetFieldValue<byte[]>(0));
        var slice = new byte[10];
        Assert.Equal(10, reader.GetBytes(0, 500, slice, 0, 10));
        Assert.Equal(big[500..510], slice);
        Assert.Equal(1000, reader.GetBytes(0, 0, null, 0, 0));
    }

    [Fact]
    public void Date_Values_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "DATE '2024-02-29'", new DateOnly(2024, 2, 29), "DATE");
        TypeAssert.RoundTrip(_connection, "DATE '1969-12-31'", new DateOnly(1969, 12, 31), "DATE");
        TypeAssert.RoundTrip(_connection, "DATE '0001-01-01'", DateOnly.MinValue, "DATE");
        TypeAssert.RoundTrip(_connection, "DATE '9999-12-31'", DateOnly.MaxValue, "DATE");
    }

    [Fact]
    public void Date_Infinity_MapsToMinAndMax()
    {
        Assert.Equal(DateOnly.MaxValue, _connection.ExecuteScalar<DateOnly>("SELECT 'infinity'::DATE"));
        Assert.Equal(DateOnly.MinValue, _connection.ExecuteScalar<DateOnly>("SELECT '-infinity'::DATE"));
        Assert.Equal(DateTime.MaxValue, _connection.ExecuteScalar<DateTime>("SELECT 'infinity'::TIMESTAMP"));
        Assert.Equal(DateTime.MinValue, _connection.ExecuteScalar<DateTime>("SELECT '-infinity'::TIMESTAMP"));
    }

    [Fact]
    public void Date_BeyondYear9999_ThrowsOverflow()
    {
        var error = Assert.Throws<OverflowException>(() => _connection.ExecuteScalar<DateOnly>("SELECT DATE '20000-01-01' AS far"));
        Assert.Contains("'far'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Time_Values_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "TIME '13:45:30.123456'", new TimeOnly(13, 45, 30, 123, 456), "TIME");
        TypeAssert.RoundTrip(_connection, "TIME '00:00:00'", TimeOnly.MinValue, "TIME");
    }

    [Fact]
    public void TimeTz_Offset_IsKept()
    {
        TypeAssert.RoundTrip(_connection, "TIMETZ '10:20:30+05:30'", new DuckDbTimeTz(new TimeOnly(10, 20, 30), 19800), "TIME WITH TIME ZONE");
        TypeAssert.RoundTrip(_connection, "TIMETZ '23:59:59.5-08'", new DuckDbTimeTz(new TimeOnly(23, 59, 59, 500), -28800), "TIME WITH TIME ZONE");
    }

    [Fact]
    public void Timestamps_EveryUnit_RoundTrip()
    {
        var micros = new DateTime(2024, 3, 1, 12, 34, 56, 789, 123);
        TypeAssert.RoundTrip(_connection, "TIMESTAMP '2024-03-01 12:34:56.789123'", micros, "TIMESTAMP");
        TypeAssert.RoundTrip(_connection, "TIMESTAMP_S '2024-03-01 12:34:56'", new DateTime(2024, 3, 1, 12, 34, 56), "TIMESTAMP_S");
        TypeAssert.RoundTrip(_connection, "TIMESTAMP_MS '2024-03-01 12:34:56.789'", new DateTime(2024, 3, 1, 12, 34, 56, 789), "TIMESTAMP_MS");
        TypeAssert.RoundTrip(_connection, "TIMESTAMP_NS '2024-03-01 12:34:56.789123456'", micros.AddTicks(4), "TIMESTAMP_NS", bindBack: false);
        TypeAssert.RoundTrip(_connection, "TIMESTAMP '1900-01-01 00:00:00'", new DateTime(1900, 1, 1), "TIMESTAMP");
    }

    [Fact]
    public void TimestampTz_ReadsAsUtcDateTimeOffset()
    {
        _connection.ExecuteNonQuery("SET TimeZone = 'UTC'");
        var expected = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);
        TypeAssert.RoundTrip(_connection, "TIMESTAMPTZ '2024-03-01 12:00:00+02'", expected, "TIMESTAMP WITH TIME ZONE");
        using var command = new DuckDbCommand("SELECT $1::TIMESTAMPTZ", _connection);
        command.Parameters.AddPositional(new DateTimeOffset(2024, 3, 1, 19, 0, 0, TimeSpan.FromHours(9)));
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(expected, reader.GetDateTimeOffset(0));
        Assert.Equal(DateTimeKind.Utc, reader.GetDateTime(0).Kind);
    }

    [Fact]
    public void Interval_Parts_AreKept()
    {
        TypeAssert.RoundTrip(_connection, "INTERVAL '1 year 2 months 3 days 04:05:06.000007'",
            new DuckDbInterval(14, 3, (((4 * 60) + 5) * 60 + 6) * 1_000_000L + 7), "INTERVAL");
        Assert.Equal(TimeSpan.FromHours(36), _connection.ExecuteScalar<TimeSpan>("SELECT INTERVAL '1 day 12 hours'"));
        Assert.Throws<InvalidCastException>(() => _connection.ExecuteScalar<TimeSpan>("SELECT INTERVAL '1 month'"));
    }

    [Fact]
    public void Uuid_Values_RoundTrip()
    {
        TypeAssert.RoundTrip(_connection, "UUID '00112233-4455-6677-8899-aabbccddeeff'", Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "UUID");
        TypeAssert.RoundTrip(_connection, "UUID 'ffffffff-ffff-ffff-ffff-ffffffffffff'", Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"), "UUID");
        TypeAssert.RoundTrip(_connection, "UUID '00000000-0000-0000-0000-000000000000'", Guid.Empty, "UUID");
        var random = Guid.NewGuid();
        Assert.Equal(random.ToString(), _connection.ExecuteScalar<string>($"SELECT CAST(UUID '{random}' AS VARCHAR)"));
    }

    [Fact]
    public void Enum_Values_ReadAsStrings()
    {
        _connection.ExecuteNonQuery("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
        TypeAssert.RoundTrip(_connection, "'happy'::mood", "happy", "ENUM('sad', 'ok', 'happy')");
        Assert.Equal("sad", _connection.ExecuteScalar<string>("SELECT 'sad'::mood"));
    }

    [Fact]
    public void Json_Values_ReadAsStrings()
    {
        TypeAssert.RoundTrip(_connection, "'{\"a\": [1, 2]}'::JSON", "{\"a\": [1, 2]}", "JSON", bindBack: false);
    }

    [Theory]
    [InlineData("BOOLEAN")]
    [InlineData("TINYINT")]
    [InlineData("BIGINT")]
    [InlineData("UBIGINT")]
    [InlineData("HUGEINT")]
    [InlineData("DOUBLE")]
    [InlineData("DECIMAL(38,10)")]
    [InlineData("VARCHAR")]
    [InlineData("BLOB")]
    [InlineData("DATE")]
    [InlineData("TIME")]
    [InlineData("TIMETZ")]
    [InlineData("TIMESTAMP")]
    [InlineData("TIMESTAMPTZ")]
    [InlineData("INTERVAL")]
    [InlineData("UUID")]
    [InlineData("INTEGER[]")]
    [InlineData("STRUCT(a INTEGER)")]
    [InlineData("MAP(VARCHAR, INTEGER)")]
    public void Null_EveryType_IsDbNull(string typeName) => TypeAssert.Null(_connection, typeName);

    [Fact]
    public void TypedGetter_OnNull_ThrowsClearError()
    {
        using var command = new DuckDbCommand("SELECT NULL::BIGINT AS missing", _connection);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var error = Assert.Throws<InvalidCastException>(() => reader.GetInt64(0));
        Assert.Contains("'missing' is NULL", error.Message, StringComparison.Ordinal);
        Assert.Null(reader.GetFieldValue<long?>(0));
        Assert.Null(reader.GetFieldValue<string?>(0));
    }

    [Fact]
    public void NullsInsideColumn_ValidityMask_IsRespected()
    {
        using var command = new DuckDbCommand("SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS v FROM range(5000) t(i)", _connection);
        using var reader = command.ExecuteReader();
        long i = 0, nulls = 0;
        while (reader.Read())
        {
            if (i % 3 == 0)
            {
                Assert.True(reader.IsDBNull(0));
                nulls++;
            }
            else
            {
                Assert.Equal(i, reader.GetInt64(0));
            }

            i++;
        }

        Assert.Equal(5000, i);
        Assert.Equal(1667, nulls);
    }
}
