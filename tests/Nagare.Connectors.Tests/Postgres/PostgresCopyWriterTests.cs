using System.Collections.Immutable;
using System.Globalization;
using Nagare.Connectors.Postgres;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Npgsql;
using Interval = Nagare.Core.Types.Interval;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>
/// The binary COPY encoder against a real server. Values are checked through PostgreSQL's own text output, which
/// depends neither on our encoder nor on our reader.
/// </summary>
public sealed class PostgresCopyWriterTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData(38, 10, new[] { "0.0000000000", "-1.5000000000", "0.0000000001", "1234567890123456789012345678.0123456789", "-1234567890123456789012345678.0123456789", "9999999999999999999999999999.9999999999", "10000.0000000000" })]
    [InlineData(38, 0, new[] { "0", "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999", "10000", "100000000", "12345678901234567890123456789" })]
    [InlineData(38, 38, new[] { "0.00000000000000000000000000000000000000", "0.99999999999999999999999999999999999999", "-0.00000000000000000000000000000000000001" })]
    [InlineData(38, 3, new[] { "1.500", "-0.001", "12345678901234567890123456789012345.678" })]
    [InlineData(18, 4, new[] { "9999.9999", "-99999999999999.9999", "0.0001" })]
    [InlineData(4, 2, new[] { "-99.99", "0.50", "10.00" })]
    public async Task Copy_Numeric_KeepsEveryDigitAndTheColumnScale(int precision, int scale, string[] values)
    {
        var schema = await pg.CreateSchemaAsync("pgnumeric");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.n (id int, v numeric)");

        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int32), new("v", ColumnType.Decimal(precision, scale))];
        object?[][] rows = [.. values.Select((v, i) => new object?[] { i, DecimalValue.Parse(v) }), [values.Length, null]];
        await CopyAsync($"{schema}.n", columns, rows);

        var stored = await pg.QueryAsync($"SELECT v::text FROM {schema}.n ORDER BY id");
        Assert.Equal([.. values, null], stored.Select(r => (string?)r[0]));
    }

    [Fact]
    public async Task Copy_DatesAndTimestamps_BeforeTheEpochFarFutureAndExtremes()
    {
        var schema = await pg.CreateSchemaAsync("pgtime");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int, d date, ts timestamp, tstz timestamptz, tm time)");
        ImmutableArray<ColumnSchema> columns =
            [new("id", ColumnType.Int32), new("d", ColumnType.Date), new("ts", ColumnType.Timestamp), new("tstz", ColumnType.TimestampTz), new("tm", ColumnType.Time)];
        await CopyAsync(
            $"{schema}.t",
            columns,
            [1, new DateOnly(1999, 12, 31), new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9_999_990), new DateTimeOffset(1969, 7, 20, 22, 17, 40, TimeSpan.FromHours(2)).AddTicks(1_234_560), new TimeOnly(0, 0)],
            [2, new DateOnly(1, 1, 2), new DateTime(1, 1, 1, 0, 0, 1, DateTimeKind.Utc), new DateTimeOffset(1899, 12, 31, 23, 59, 59, TimeSpan.FromHours(-5)).AddTicks(5_000_000), new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990))],
            [3, new DateOnly(9999, 12, 30), new DateTime(2999, 12, 31, 12, 0, 0, DateTimeKind.Local), new DateTimeOffset(2262, 4, 11, 23, 47, 16, TimeSpan.Zero).AddTicks(8_547_750), new TimeOnly(12, 0).Add(TimeSpan.FromTicks(15))],
            [4, new DateOnly(2000, 1, 1), new DateTime(2000, 1, 1), new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new TimeOnly(0, 0, 0, 0, 1)],
            [5, DateOnly.MaxValue, DateTime.MaxValue, DateTimeOffset.MaxValue, null],
            [6, DateOnly.MinValue, DateTime.MinValue, DateTimeOffset.MinValue, null],
            [7, null, null, null, null]);

        var stored = await pg.QueryAsync($"SELECT d::text, ts::text, (tstz AT TIME ZONE 'UTC')::text, tm::text FROM {schema}.t ORDER BY id");

        Assert.Equal(
            [
                ["1999-12-31", "1999-12-31 23:59:59.999999", "1969-07-20 20:17:40.123456", "00:00:00"],
                ["0001-01-02", "0001-01-01 00:00:01", "1900-01-01 04:59:59.5", "23:59:59.999999"],
                ["9999-12-30", "2999-12-31 12:00:00", "2262-04-11 23:47:16.854775", "12:00:00.000001"],
                ["2000-01-01", "2000-01-01 00:00:00", "2000-01-01 00:00:00", "00:00:00.000001"],
                ["infinity", "infinity", "infinity", null],
                ["-infinity", "-infinity", "-infinity", null],
                [null, null, null, null],
            ],
            stored);
    }

    [Fact]
    public async Task Write_EveryType_StoredAsPostgresPrintsIt()
    {
        var schema = await pg.CreateSchemaAsync("pgencode");
        var point = ColumnType.Struct([new ColumnField("x", ColumnType.Int32), new ColumnField("label", ColumnType.String)]);
        (string Name, ColumnType Type, object? Value, string Text)[] cases =
        [
            ("bo", ColumnType.Boolean, true, "true"),
            ("i1", ColumnType.Int8, (sbyte)-128, "-128"),
            ("i2", ColumnType.Int16, (short)-32768, "-32768"),
            ("i4", ColumnType.Int32, int.MinValue, "-2147483648"),
            ("i8", ColumnType.Int64, long.MaxValue, "9223372036854775807"),
            ("u1", ColumnType.UInt8, (byte)255, "255"),
            ("u2", ColumnType.UInt16, ushort.MaxValue, "65535"),
            ("u4", ColumnType.UInt32, uint.MaxValue, "4294967295"),
            ("u8", ColumnType.UInt64, ulong.MaxValue, "18446744073709551615"),
            ("f4", ColumnType.Float32, 1.5f, "1.5"),
            ("f4nan", ColumnType.Float32, float.NaN, "NaN"),
            ("f8", ColumnType.Float64, -2.25e-300, "-2.25e-300"),
            ("f8inf", ColumnType.Float64, double.NegativeInfinity, "-Infinity"),
            ("n", ColumnType.Decimal(12, 2), -9999999999.99m, "-9999999999.99"),
            ("n0", ColumnType.Decimal(38, 0), 12345678901234567890123456789m, "12345678901234567890123456789"),
            ("s", ColumnType.String, "ünï cødé ✓ 😀 \"q\" \\ \t", "ünï cødé ✓ 😀 \"q\" \\ \t"),
            ("s_empty", ColumnType.String, "", ""),
            ("j", ColumnType.Json, "{\"b\":[1,null,\"ü\"],\"a\":{}}", "{\"a\": {}, \"b\": [1, null, \"ü\"]}"),
            ("by", ColumnType.Bytes, new byte[] { 0, 255, 16 }, "\\x00ff10"),
            ("by_empty", ColumnType.Bytes, Array.Empty<byte>(), "\\x"),
            ("d", ColumnType.Date, new DateOnly(2024, 2, 29), "2024-02-29"),
            ("tm", ColumnType.Time, new TimeOnly(4, 5, 6, 789), "04:05:06.789"),
            ("ts", ColumnType.Timestamp, new DateTime(2024, 2, 29, 13, 14, 15).AddTicks(1_234_560), "2024-02-29 13:14:15.123456"),
            ("tz", ColumnType.TimestampTz, new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.FromHours(9)).AddTicks(1_234_560), "2024-02-29 04:14:15.123456"),
            ("iv", ColumnType.Interval, new Interval(14, 3, 14_706_789_000), "1 year 2 mons 3 days 04:05:06.789"),
            ("iv_neg", ColumnType.Interval, new Interval(-1, -2, -3), "-1 mons -2 days -00:00:00.000003"),
            ("u", ColumnType.Uuid, Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            ("st", point, new Dictionary<string, object?> { ["x"] = 1, ["label"] = "ü" }, "{\"x\": 1, \"label\": \"ü\"}"),
            ("nested", ColumnType.List(ColumnType.List(ColumnType.Int32)), new object?[] { new object?[] { 1, 2 }, null, Array.Empty<object?>() }, "[[1, 2], null, []]"),
            ("l_i4", ColumnType.List(ColumnType.Int32), new object?[] { 1, null, int.MinValue }, "{1,NULL,-2147483648}"),
            ("l_empty", ColumnType.List(ColumnType.Int64), Array.Empty<object?>(), "{}"),
            ("l_nulls", ColumnType.List(ColumnType.String), new object?[] { null, null }, "{NULL,NULL}"),
            ("l_s", ColumnType.List(ColumnType.String), new object?[] { "a b", "", null, "ü" }, "{\"a b\",\"\",NULL,ü}"),
            ("l_bo", ColumnType.List(ColumnType.Boolean), new object?[] { true, false }, "{t,f}"),
            ("l_i1", ColumnType.List(ColumnType.Int8), new object?[] { (sbyte)-1, (sbyte)127 }, "{-1,127}"),
            ("l_u8", ColumnType.List(ColumnType.UInt64), new object?[] { ulong.MaxValue }, "{18446744073709551615}"),
            ("l_f8", ColumnType.List(ColumnType.Float64), new object?[] { 0.5, double.NaN }, "{0.5,NaN}"),
            ("l_n", ColumnType.List(ColumnType.Decimal(10, 2)), new object?[] { 1.5m, -0.01m }, "{1.50,-0.01}"),
            ("l_j", ColumnType.List(ColumnType.Json), new object?[] { "[1]" }, "{[1]}"),
            ("l_by", ColumnType.List(ColumnType.Bytes), new object?[] { new byte[] { 1 } }, "{\"\\\\x01\"}"),
            ("l_d", ColumnType.List(ColumnType.Date), new object?[] { new DateOnly(1999, 12, 31) }, "{1999-12-31}"),
            ("l_tm", ColumnType.List(ColumnType.Time), new object?[] { new TimeOnly(1, 2, 3) }, "{01:02:03}"),
            ("l_ts", ColumnType.List(ColumnType.Timestamp), new object?[] { new DateTime(1970, 1, 1) }, "{\"1970-01-01 00:00:00\"}"),
            ("l_tz", ColumnType.List(ColumnType.TimestampTz), new object?[] { new DateTimeOffset(1999, 12, 31, 23, 0, 0, TimeSpan.FromHours(-2)) }, "2000-01-01 01:00:00"),
            ("l_iv", ColumnType.List(ColumnType.Interval), new object?[] { new Interval(0, 1, 0) }, "{\"1 day\"}"),
            ("l_u", ColumnType.List(ColumnType.Uuid), new object?[] { Guid.Empty }, "{00000000-0000-0000-0000-000000000000}"),
        ];
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int32), .. cases.Select(c => new ColumnSchema(c.Name, c.Type))];
        var request = new WriteRequest("encode", "all", new StreamId(schema, "all"), columns, WriteMode.FullRefresh, ["id"]);
        await using var connection = pg.CreateConnection();

        var result = await PostgresRows.WriteAsync(connection, request, null, [1, .. cases.Select(c => c.Value)], [2, .. cases.Select(_ => (object?)null)]);

        Assert.Equal(2, result.RowsWritten);
        // Time zones print in the session's zone; they are read at UTC instead.
        var select = cases.Select(c => c.Name switch
        {
            "tz" => "(tz AT TIME ZONE 'UTC')::text",
            "l_tz" => "(l_tz[1] AT TIME ZONE 'UTC')::text",
            _ => $"\"{c.Name}\"::text",
        });
        var stored = await pg.QueryAsync($"SELECT {string.Join(", ", select)} FROM {schema}.\"all\" ORDER BY id");
        Assert.Equal(cases.Select(c => (object?)c.Text), stored[0]);
        Assert.All(stored[1], Assert.Null);
    }

    [Fact]
    public async Task Write_RowsAcrossManyBlocksAndOneLargerThanABlock_AllArriveInOrder()
    {
        var schema = await pg.CreateSchemaAsync("pgblocks");
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("t", ColumnType.String), new("tz", ColumnType.TimestampTz)];
        var request = new WriteRequest("blocks", "rows", new StreamId(schema, "rows"), columns, WriteMode.Append, []);
        var huge = new string('ü', 1_500_000) + "end";
        await using var connection = pg.CreateConnection();
        long expectedLength = 0;
        await using (var writer = await connection.OpenWriterAsync(request, CancellationToken.None))
        {
            var batch = new ColumnBatch(columns, 10_000);
            for (var b = 0; b < 3; b++)
            {
                for (var r = 0; r < batch.Capacity; r++)
                {
                    var id = (b * batch.Capacity) + r + 1L;
                    var text = b == 1 && r == 5000 ? huge : $"row {id} " + new string('x', (int)(id % 97));
                    expectedLength += text.Length;
                    batch.Column<long>(0).Set(r, id);
                    batch.Column<string?>(1).Set(r, text);
                    batch.Column<DateTimeOffset>(2).Set(r, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(id));
                }

                batch.RowCount = batch.Capacity;
                await writer.WriteAsync(batch, CancellationToken.None);
            }

            Assert.Equal(30_000, (await writer.CommitAsync(null, CancellationToken.None)).RowsWritten);
        }

        var stored = await pg.QueryAsync($"""
            SELECT count(*), sum(length(t)), count(*) FILTER (WHERE t = 'row ' || id || ' ' || repeat('x', (id % 97)::int) AND tz = timestamptz '2024-01-01 00:00:00+00' + id * interval '1 second'),
                   (SELECT right(t, 4) FROM {schema}.rows WHERE id = 15001),
                   (SELECT bool_and(id = copied) FROM (SELECT id, row_number() OVER (ORDER BY ctid) AS copied FROM {schema}.rows) AS o)
            FROM {schema}.rows
            """);
        Assert.Equal([30_000L, expectedLength, 29_999L, "üend", true], stored[0]);
    }

    [Fact]
    public async Task Write_ServerRejectsValueInALaterBatch_NamesThatBatchRow()
    {
        var schema = await pg.CreateSchemaAsync("pgbad");
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("amount", ColumnType.Decimal(10, 2))];
        var request = new WriteRequest("bad", "items", new StreamId(schema, "items"), columns, WriteMode.Append, []);
        await using var connection = pg.CreateConnection();

        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await using var writer = await connection.OpenWriterAsync(request, CancellationToken.None);
            await writer.WriteAsync(PostgresRows.Batch(columns, [1L, 1m], [2L, 2m], [3L, 3m]), CancellationToken.None);
            await writer.WriteAsync(PostgresRows.Batch(columns, [4L, 4m], [5L, 5m], [6L, 6m], [7L, 7m], [8L, 123456789.12m]), CancellationToken.None);
            await writer.CommitAsync(null, CancellationToken.None);
        });

        Assert.Contains("row 5 of the batch", error.Message, StringComparison.Ordinal);
        Assert.Contains("'amount'", error.Message, StringComparison.Ordinal);
        Assert.Contains("numeric field overflow", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await pg.ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
    }

    [Theory]
    [InlineData("list<int16>", "too large or too small for an Int16")]
    [InlineData("string", "Unicode character")]
    [InlineData("list<string>", "NUL character")]
    [InlineData("json", "NUL character")]
    public async Task Write_ValueTheEncoderRejects_NamesRowAndColumnAndWritesNothing(string type, string reason)
    {
        var schema = await pg.CreateSchemaAsync("pgbad");
        var columnType = ColumnType.Parse(type);
        object bad = type switch
        {
            "list<int16>" => new object?[] { 1, 40_000 },
            "string" => "lone \ud800 surrogate",
            "list<string>" => new object?[] { "ok", "nul\0" },
            _ => "{\"a\": \"\0\"}",
        };
        object good = type switch
        {
            "list<int16>" => new object?[] { 1 },
            "list<string>" => new object?[] { "ok" },
            "json" => "{}",
            _ => "fine",
        };
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("value", columnType)];
        var request = new WriteRequest("bad", "items", new StreamId(schema, "items"), columns, WriteMode.FullRefresh, []);
        await using var connection = pg.CreateConnection();

        var error = await Assert.ThrowsAsync<ConnectorException>(() => PostgresRows.WriteAsync(connection, request, null, [1L, good], [2L, bad]));

        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("'value'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{schema}.items", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, await pg.ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
    }

    [Fact]
    public async Task Copy_TextHeldAsUtf8_CopiedAsBytesAndNulStillRefused()
    {
        var schema = await pg.CreateSchemaAsync("pgutf8");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int, s text, j jsonb)");
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int32), new("s", ColumnType.String), new("j", ColumnType.Json)];
        var batch = new ColumnBatch(columns, 3) { RowCount = 3 };
        string?[] texts = ["ünï ✓ 😀", "", null];
        string?[] json = ["{\"k\": \"ü\"}", "[]", null];
        var s = batch.Column<string?>(1).BeginUtf8();
        var j = batch.Column<string?>(2).BeginUtf8();
        for (var r = 0; r < 3; r++)
        {
            batch.Column<int>(0).Set(r, r);
            Fill(batch.Column<string?>(1), s, r, texts[r]);
            Fill(batch.Column<string?>(2), j, r, json[r]);
        }

        await using (var connection = new NpgsqlConnection(pg.ConnectionString))
        {
            await connection.OpenAsync();
            var stream = await connection.BeginRawBinaryCopyAsync($"COPY {schema}.t (id, s, j) FROM STDIN (FORMAT BINARY)");
            await using var copy = new PostgresCopyWriter(stream, [.. columns.Select(c => PostgresColumnWriter.Create(c.Type))], null);
            await copy.WriteAsync(batch, CancellationToken.None);
            Assert.NotNull(batch.Column<string?>(1).Utf8);
            await copy.CompleteAsync(CancellationToken.None);
        }

        var stored = await pg.QueryAsync($"SELECT s, j::text FROM {schema}.t ORDER BY id");
        Assert.Equal([["ünï ✓ 😀", "{\"k\": \"ü\"}"], ["", "[]"], [null, null]], stored);

        s = batch.Column<string?>(1).BeginUtf8();
        s.Set(0, "a\0b"u8);
        batch.RowCount = 1;
        await using var again = new NpgsqlConnection(pg.ConnectionString);
        await again.OpenAsync();
        var nulStream = await again.BeginRawBinaryCopyAsync($"COPY {schema}.t (id, s, j) FROM STDIN (FORMAT BINARY)");
        await using var nulCopy = new PostgresCopyWriter(nulStream, [.. columns.Select(c => PostgresColumnWriter.Create(c.Type))], null);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => nulCopy.WriteAsync(batch, CancellationToken.None).AsTask());
        Assert.Contains("NUL character", error.Message, StringComparison.Ordinal);
        Assert.Equal((0, 1), (nulCopy.Row, nulCopy.Column));
    }

    private static void Fill(ColumnVector<string?> vector, Utf8Values utf8, int row, string? value)
    {
        if (value is null)
        {
            vector.Nulls[row] = true;
            utf8.SetEmpty(row);
        }
        else
        {
            utf8.Set(row, System.Text.Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>Copies rows straight through the encoder into an existing table, with the driver's connection.</summary>
    private async Task CopyAsync(string table, ImmutableArray<ColumnSchema> columns, params object?[][] rows)
    {
        await using var connection = new NpgsqlConnection(pg.ConnectionString);
        await connection.OpenAsync();
        var stream = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)");
        await using var copy = new PostgresCopyWriter(stream, [.. columns.Select(c => PostgresColumnWriter.Create(c.Type))], null);
        await copy.WriteAsync(PostgresRows.Batch(columns, rows), CancellationToken.None);
        await copy.CompleteAsync(CancellationToken.None);
    }
}
