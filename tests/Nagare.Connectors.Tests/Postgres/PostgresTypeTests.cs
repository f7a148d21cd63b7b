using System.Collections.Immutable;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Interval = Nagare.Core.Types.Interval;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresTypeTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    private const string TableDefinition = """
        id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
        n numeric(12,2), nu numeric, n38 numeric(38,10), m money, t text, vc varchar(10), ch char(3), nm name,
        b bytea, bo boolean, d date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval, u uuid,
        j json, jb jsonb, ai int[], at text[], ats timestamptz[], e {0}.mood, dm {0}.positive, ip inet
        """;

    [Fact]
    public async Task Discover_EveryType_MapsExactly()
    {
        var schema = await CreateTypesTableAsync();
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "types");

        var types = stream.Columns.ToDictionary(c => c.Name, c => c.Type.ToString());
        Assert.Equal("int16", types["i2"]);
        Assert.Equal("int32", types["i4"]);
        Assert.Equal("int64", types["i8"]);
        Assert.Equal("float32", types["f4"]);
        Assert.Equal("float64", types["f8"]);
        Assert.Equal("decimal(12,2)", types["n"]);
        Assert.Equal("decimal(38,10)", types["nu"]);
        Assert.Equal("decimal(38,10)", types["n38"]);
        Assert.Equal("decimal(19,2)", types["m"]);
        Assert.Equal("string", types["t"]);
        Assert.Equal("string", types["vc"]);
        Assert.Equal("string", types["ch"]);
        Assert.Equal("string", types["nm"]);
        Assert.Equal("bytes", types["b"]);
        Assert.Equal("boolean", types["bo"]);
        Assert.Equal("date", types["d"]);
        Assert.Equal("time", types["tm"]);
        Assert.Equal("string", types["ttz"]);
        Assert.Equal("timestamp", types["ts"]);
        Assert.Equal("timestamptz", types["tstz"]);
        Assert.Equal("interval", types["iv"]);
        Assert.Equal("uuid", types["u"]);
        Assert.Equal("json", types["j"]);
        Assert.Equal("json", types["jb"]);
        Assert.Equal("list<int32>", types["ai"]);
        Assert.Equal("list<string>", types["at"]);
        Assert.Equal("list<timestamptz>", types["ats"]);
        Assert.Equal("string", types["e"]);
        Assert.Equal("int32", types["dm"]);
        Assert.Equal("string", types["ip"]);
        Assert.Equal<string>(["id"], stream.PrimaryKey);
        Assert.Equal<string>(["id", "i2", "i4", "i8", "d", "ts", "tstz", "dm"], stream.CursorCandidates);
        Assert.Equal("numeric(12,2)", stream.Find("n")!.NativeType);
        Assert.False(stream.Find("id")!.Nullable);
    }

    [Fact]
    public async Task Read_EveryType_KeepsValuesNullsAndExtremes()
    {
        var schema = await CreateTypesTableAsync();
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "types");

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, []));

        Assert.Equal(3, rows.Count);
        AssertExtremes(stream, rows[0]);
        Assert.All(rows[1].Skip(1), Assert.Null);
        AssertTypical(stream, rows[2]);
    }

    [Fact]
    public async Task Write_EveryType_RoundTripsThroughTheDestination()
    {
        var schema = await CreateTypesTableAsync();
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "types");
        var target = new StreamId(schema, "types_copy");
        var request = new WriteRequest("types_sync", "types_copy", target, stream.Columns, WriteMode.FullRefresh, ["id"]);
        await using (var writer = await connection.OpenWriterAsync(request, CancellationToken.None))
        {
            await foreach (var batch in connection.ReadAsync(new ReadRequest(stream, []), CancellationToken.None))
            {
                await writer.WriteAsync(batch, CancellationToken.None);
            }

            var result = await writer.CommitAsync(null, CancellationToken.None);
            Assert.Equal(3, result.RowsWritten);
        }

        var copy = await PostgresRows.DiscoverOneAsync(connection, schema, "types_copy");
        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(copy, stream.Columns));
        Assert.Equal(3, rows.Count);
        AssertExtremes(stream, rows[0]);
        Assert.All(rows[1].Skip(1), Assert.Null);
        AssertTypical(stream, rows[2]);
        Assert.Equal<string>(["id"], copy.PrimaryKey);
    }

    [Fact]
    public async Task Read_UnconstrainedNumericTooPrecise_SaysWhichColumnAndSuggestsString()
    {
        var schema = await pg.CreateSchemaAsync("pgnum");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.wide (v numeric); INSERT INTO {schema}.wide VALUES (1.5), (0.123456789012345)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "wide");

        var error = await Assert.ThrowsAsync<ConnectorException>(() => PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [])));

        Assert.Contains("'v'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{schema}.wide", error.Message, StringComparison.Ordinal);
        Assert.Contains("decimal(38,10)", error.Message, StringComparison.Ordinal);
        Assert.Contains("string", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TypeOverrideToString_CastsOnTheServer()
    {
        var schema = await pg.CreateSchemaAsync("pgnum");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.wide (v numeric); INSERT INTO {schema}.wide VALUES (0.123456789012345), (123456789012345678901234567890123456789012)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "wide");

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [new ColumnSchema("v", ColumnType.String)]));

        Assert.Equal(["0.123456789012345", "123456789012345678901234567890123456789012"], rows.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Read_Numeric38_KeepsEveryDigitAtTheColumnScale()
    {
        var schema = await pg.CreateSchemaAsync("pgnum");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.wide (id int, v numeric(38,10), z numeric(38,0)); INSERT INTO {schema}.wide VALUES (1, 1234567890123456789012345678.0123456789, 99999999999999999999999999999999999999), (2, -0.5, -99999999999999999999999999999999999999)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "wide");

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, []));

        Assert.Equal(
            ["1|1234567890123456789012345678.0123456789|99999999999999999999999999999999999999", "2|-0.5000000000|-99999999999999999999999999999999999999"],
            rows.OrderBy(r => (int)r[0]!).Select(r => $"{r[0]}|{r[1]}|{r[2]}"));
    }

    [Fact]
    public async Task Read_NumericNaNAndInfinityReadAsFloat64_ArriveAsDoubles()
    {
        var schema = await pg.CreateSchemaAsync("pgnum");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.odd (id int, v numeric); INSERT INTO {schema}.odd VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity'), (4, 1.25)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "odd");

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [new ColumnSchema("id", ColumnType.Int32), new ColumnSchema("v", ColumnType.Float64)]));

        Assert.Equal([double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.25], rows.OrderBy(r => (int)r[0]!).Select(r => (double)r[1]!));
    }

    [Fact]
    public async Task Read_NumericNaNAsDecimal_FailsNamingValueAndSuggestsCasts()
    {
        var schema = await pg.CreateSchemaAsync("pgnum");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.odd (v numeric); INSERT INTO {schema}.odd VALUES (1), ('-Infinity')");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "odd");

        var error = await Assert.ThrowsAsync<ConnectorException>(() => PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [])));

        Assert.Equal($"Column 'v' of {schema}.odd: the value -Infinity, which a decimal cannot hold.", error.Message);
        Assert.Contains("columns: { \"odd.v\": { cast: float64 } }", error.Hint, StringComparison.Ordinal);
        Assert.Contains("{ cast: string }", error.Hint, StringComparison.Ordinal);
    }

    private async Task<string> CreateTypesTableAsync()
    {
        var schema = await pg.CreateSchemaAsync("pgtypes");
        await pg.ExecuteAsync($$"""
            CREATE TYPE {{schema}}.mood AS ENUM ('sad', 'happy');
            CREATE DOMAIN {{schema}}.positive AS integer CHECK (VALUE > 0);
            CREATE TABLE {{schema}}.types ({{string.Format(System.Globalization.CultureInfo.InvariantCulture, TableDefinition, schema)}});
            INSERT INTO {{schema}}.types VALUES
              (1, -32768, -2147483648, -9223372036854775808, 3.4028235e38, -1.7976931348623157e308,
               -9999999999.99, 123456789012345678.1234567891, -1234567890123456789012345678.0123456789, -92233720368547758.08,
               'it''s "quoted" ✓', 'ten chars!', 'ab', 'pg_name',
               '\x00ff10'::bytea, true, '0001-01-01', '23:59:59.999999', '12:34:56+05:30',
               '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', '-178000000 years -5 days -00:00:00.000001',
               '00000000-0000-0000-0000-000000000000', '{"a": [1, 2]}', '{"b": null}',
               ARRAY[1, NULL, -2147483648], ARRAY['x', NULL, ''], ARRAY['2024-02-29 12:00:00.000001+00'::timestamptz],
               'happy', 2147483647, '192.168.0.1/24'),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
              (3, 7, 42, 9223372036854775807, 1.5, 2.25, 12.34, 0.5, 1, 1.23, '', 'v', 'c', 'n',
               '\x'::bytea, false, '2024-02-29', '00:00:00', '00:00:00-08', '2024-02-29 13:14:15.123456',
               '2024-02-29 13:14:15.123456+09', '1 year 2 months 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
               '[]', '[1, "two"]', '{}', '{}', '{}', 'sad', 1, '::1');
            """);
        return schema;
    }

    private static void AssertExtremes(StreamSchema stream, object?[] row)
    {
        var v = Values(stream, row);
        Assert.Equal(1, v["id"]);
        Assert.Equal((short)-32768, v["i2"]);
        Assert.Equal(int.MinValue, v["i4"]);
        Assert.Equal(long.MinValue, v["i8"]);
        Assert.Equal(float.MaxValue, v["f4"]);
        Assert.Equal(-double.MaxValue, v["f8"]);
        Assert.Equal("-9999999999.99", v["n"]?.ToString());
        Assert.Equal("123456789012345678.1234567891", v["nu"]?.ToString());
        Assert.Equal("-1234567890123456789012345678.0123456789", v["n38"]?.ToString());
        Assert.Equal("-92233720368547758.08", v["m"]?.ToString());
        Assert.Equal("it's \"quoted\" ✓", v["t"]);
        Assert.Equal("ten chars!", v["vc"]);
        Assert.Equal("ab ", v["ch"]);
        Assert.Equal("pg_name", v["nm"]);
        Assert.Equal(new byte[] { 0, 255, 16 }, v["b"]);
        Assert.Equal(true, v["bo"]);
        Assert.Equal(DateOnly.MinValue, v["d"]);
        Assert.Equal(new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)), v["tm"]);
        Assert.Equal("12:34:56+05:30", v["ttz"]);
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9_999_990), v["ts"]);
        Assert.Equal(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), v["tstz"]);
        Assert.Equal(new Interval(-178000000 * 12, -5, -1), v["iv"]);
        Assert.Equal(Guid.Empty, v["u"]);
        Assert.Equal("{\"a\": [1, 2]}", v["j"]);
        Assert.Equal("{\"b\": null}", v["jb"]);
        Assert.Equal(new object?[] { 1, null, int.MinValue }, (object?[])v["ai"]!);
        Assert.Equal(new object?[] { "x", null, "" }, (object?[])v["at"]!);
        Assert.Equal(new object?[] { new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(10) }, (object?[])v["ats"]!);
        Assert.Equal("happy", v["e"]);
        Assert.Equal(int.MaxValue, v["dm"]);
        Assert.Equal("192.168.0.1/24", v["ip"]);
    }

    private static void AssertTypical(StreamSchema stream, object?[] row)
    {
        var v = Values(stream, row);
        Assert.Equal(long.MaxValue, v["i8"]);
        Assert.Equal("12.34", v["n"]?.ToString());
        Assert.Equal("", v["t"]);
        Assert.Equal(Array.Empty<byte>(), v["b"]);
        Assert.Equal(new DateOnly(2024, 2, 29), v["d"]);
        Assert.Equal("00:00:00-08", v["ttz"]);
        Assert.Equal(new DateTime(2024, 2, 29, 13, 14, 15, DateTimeKind.Unspecified).AddTicks(1_234_560), v["ts"]);
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 4, 14, 15, TimeSpan.Zero).AddTicks(1_234_560), v["tstz"]);
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)v["tstz"]!).Offset);
        Assert.Equal(new Interval(14, 3, 14_706_789_000), v["iv"]);
        Assert.Equal(Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), v["u"]);
        Assert.Equal("[1, \"two\"]", v["jb"]);
        Assert.Equal(Array.Empty<object?>(), (object?[])v["ai"]!);
        Assert.Equal("sad", v["e"]);
        Assert.Equal("::1/128", v["ip"]);
    }

    private static Dictionary<string, object?> Values(StreamSchema stream, object?[] row) =>
        stream.Columns.Select((c, i) => (c.Name, Value: row[i])).ToDictionary(p => p.Name, p => p.Value);
}
