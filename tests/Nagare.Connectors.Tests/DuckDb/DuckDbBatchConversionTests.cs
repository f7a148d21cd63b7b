using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Connectors.Tests.DuckDb;

public sealed class DuckDbBatchConversionTests : IDisposable
{
    private readonly DuckDbConnection _connection = new("Data Source=:memory:");

    public DuckDbBatchConversionTests() => _connection.Open();

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void AppendThenRead_EveryKindWithNulls_RoundTrips()
    {
        ImmutableArray<ColumnSchema> columns =
        [
            new("b", ColumnType.Boolean), new("i8", ColumnType.Int8), new("i16", ColumnType.Int16), new("i32", ColumnType.Int32),
            new("i64", ColumnType.Int64), new("u8", ColumnType.UInt8), new("u16", ColumnType.UInt16), new("u32", ColumnType.UInt32),
            new("u64", ColumnType.UInt64), new("f32", ColumnType.Float32), new("f64", ColumnType.Float64),
            new("d", ColumnType.Decimal(38, 10)), new("s", ColumnType.String), new("bin", ColumnType.Bytes),
            new("dt", ColumnType.Date), new("t", ColumnType.Time), new("ts", ColumnType.Timestamp), new("tstz", ColumnType.TimestampTz),
            new("iv", ColumnType.Interval), new("u", ColumnType.Uuid), new("j", ColumnType.Json),
            new("l", ColumnType.List(ColumnType.Int64)), new("st", ColumnType.Struct([new ColumnField("a b", ColumnType.Int32), new ColumnField("c", ColumnType.String)])),
        ];
        _connection.ExecuteNonQuery("CREATE TABLE t (" + string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + DuckDbTypeMapping.TypeName(c.Type))) + ")");
        var batch = new ColumnBatch(columns, 3000);
        var guid = Guid.Parse("0b1e2f3a-4c5d-6e7f-8091-a2b3c4d5e6f7");
        var stamp = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero).AddTicks(1234560);
        for (var r = 0; r < 3000; r++)
        {
            if (r % 3 == 2)
            {
                foreach (var column in batch.Columns)
                {
                    column.SetBoxed(r, null);
                }

                continue;
            }

            var sign = r % 3 == 0 ? 1 : -1;
            batch.Column<bool>(0).Set(r, r % 2 == 0);
            batch.Column<sbyte>(1).Set(r, sign > 0 ? sbyte.MaxValue : sbyte.MinValue);
            batch.Column<short>(2).Set(r, sign > 0 ? short.MaxValue : short.MinValue);
            batch.Column<int>(3).Set(r, sign > 0 ? int.MaxValue : int.MinValue);
            batch.Column<long>(4).Set(r, sign > 0 ? long.MaxValue : long.MinValue + r);
            batch.Column<byte>(5).Set(r, byte.MaxValue);
            batch.Column<ushort>(6).Set(r, ushort.MaxValue);
            batch.Column<uint>(7).Set(r, uint.MaxValue);
            batch.Column<ulong>(8).Set(r, ulong.MaxValue);
            batch.Column<float>(9).Set(r, 1.5f * sign);
            batch.Column<double>(10).Set(r, double.Epsilon * sign);
            batch.Column<Int128>(11).Set(r, sign * Int128.Parse("12345678901234567890123456780123456789", System.Globalization.CultureInfo.InvariantCulture));
            batch.Column<string?>(12).Set(r, "row ‘" + r + "’ 😀");
            batch.Column<byte[]?>(13).Set(r, [0, 1, (byte)r]);
            batch.Column<DateOnly>(14).Set(r, sign > 0 ? new DateOnly(1, 1, 1) : new DateOnly(9999, 12, 31));
            batch.Column<TimeOnly>(15).Set(r, new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9999990)));
            batch.Column<DateTime>(16).Set(r, new DateTime(2001, 2, 3, 4, 5, 6).AddTicks(7890));
            batch.Column<DateTimeOffset>(17).Set(r, stamp);
            batch.Column<Interval>(18).Set(r, new Interval(14, -3, 86_400_000_001L * sign));
            batch.Column<Guid>(19).Set(r, guid);
            batch.Column<string?>(20).Set(r, "{\"k\": [1, 2]}");
            batch.Column<object?[]?>(21).Set(r, [1L, null, (long)r]);
            batch.Column<IReadOnlyDictionary<string, object?>?>(22).Set(r, new Dictionary<string, object?> { ["a b"] = r, ["c"] = null });
        }

        batch.RowCount = 3000;
        using (var appender = new DuckDbBatchAppender(_connection, null, "t", columns))
        {
            appender.Append(batch);
            appender.Close();
            Assert.Equal(3000, appender.RowsAppended);
        }

        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT * FROM t";
        using var reader = command.ExecuteReader();
        var batchReader = new DuckDbBatchReader(reader, columns);
        var read = new ColumnBatch(columns, 1024);
        var total = 0;
        while (batchReader.Fill(read))
        {
            for (var r = 0; r < read.RowCount; r++)
            {
                var source = total + r;
                for (var c = 0; c < columns.Length; c++)
                {
                    var expected = batch.Columns[c].GetBoxed(source);
                    var actual = read.Columns[c].GetBoxed(r);
                    switch (expected)
                    {
                        case object?[] list:
                            Assert.Equal(list, Assert.IsType<object?[]>(actual));
                            break;
                        case IReadOnlyDictionary<string, object?> fields:
                            Assert.Equal(fields.OrderBy(f => f.Key), Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(actual).OrderBy(f => f.Key));
                            break;
                        default:
                            Assert.Equal(expected, actual);
                            break;
                    }
                }
            }

            total += read.RowCount;
        }

        Assert.Equal(3000, total);
        Assert.Equal(TimeSpan.Zero, read.Column<DateTimeOffset>(17).Values[0].Offset);
    }

    [Fact]
    public void Append_DecimalTooLargeForColumn_ThrowsNamingTableAndColumn()
    {
        ImmutableArray<ColumnSchema> columns = [new("amount", ColumnType.Decimal(5, 2))];
        _connection.ExecuteNonQuery("CREATE TABLE money (amount DECIMAL(5,2))");
        var batch = new ColumnBatch(columns, 4);
        batch.Column<Int128>(0).Set(0, 125);
        batch.Column<Int128>(0).Set(1, 12345650);
        batch.RowCount = 2;
        using var appender = new DuckDbBatchAppender(_connection, null, "money", columns);

        var error = Assert.Throws<ConnectorException>(() => appender.Append(batch));

        Assert.Contains("\"amount\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("money", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DECIMAL(18,6)", "decimal(18,6)")]
    [InlineData("TIMESTAMP WITH TIME ZONE", "timestamptz")]
    [InlineData("INTEGER[]", "list<int32>")]
    [InlineData("VARCHAR[][]", "list<list<string>>")]
    [InlineData("STRUCT(a INTEGER, \"b \"\"c\" VARCHAR[])", "struct<a int32, b \"c list<string>>")]
    [InlineData("MAP(VARCHAR, INTEGER)", "json")]
    [InlineData("HUGEINT", "decimal(38,0)")]
    [InlineData("ENUM('a', 'b)')", "string")]
    [InlineData("JSON", "json")]
    [InlineData("UUID", "uuid")]
    [InlineData("TIMESTAMP_NS", "timestamp")]
    public void FromTypeName_DuckDbSpelling_MapsToCanonical(string duckDb, string canonical)
    {
        Assert.Equal(canonical, DuckDbTypeMapping.FromTypeName(duckDb).ToString());
    }

    [Fact]
    public void TypeName_EveryKind_IsAcceptedByDuckDbAndReadBack()
    {
        ColumnType[] types =
        [
            ColumnType.Boolean, ColumnType.Int8, ColumnType.UInt64, ColumnType.Float32, ColumnType.Decimal(38, 38), ColumnType.String,
            ColumnType.Bytes, ColumnType.Date, ColumnType.Time, ColumnType.Timestamp, ColumnType.TimestampTz, ColumnType.Interval,
            ColumnType.Uuid, ColumnType.Json, ColumnType.List(ColumnType.List(ColumnType.Uuid)),
            ColumnType.Struct([new ColumnField("x y", ColumnType.Decimal(10, 2)), new ColumnField("z", ColumnType.List(ColumnType.Json))]),
        ];
        _connection.ExecuteNonQuery("CREATE TABLE types (" + string.Join(", ", types.Select((t, i) => $"c{i} {DuckDbTypeMapping.TypeName(t)}")) + ")");
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT data_type FROM duckdb_columns() WHERE table_name = 'types' ORDER BY column_index";
        using var reader = command.ExecuteReader();
        var index = 0;
        while (reader.Read())
        {
            var native = reader.GetString(0);
            Assert.Equal(types[index], DuckDbTypeMapping.FromTypeName(native));
            Assert.False(DuckDbTypeMapping.NeedsCast(native, types[index]), native);
            index++;
        }

        Assert.Equal(types.Length, index);
    }

    [Fact]
    public void Append_TextHeldAsUtf8_IsWrittenWithoutDecodingAndKeepsNulls()
    {
        ImmutableArray<ColumnSchema> columns = [new("s", ColumnType.String), new("j", ColumnType.Json)];
        _connection.ExecuteNonQuery("CREATE TABLE utf8 (s VARCHAR, j JSON)");
        var batch = new ColumnBatch(columns, 4);
        string?[] texts = ["short", null, "ユニコード and a string longer than twelve bytes", ""];
        for (var round = 0; round < 2; round++)
        {
            batch.Reset();
            var s = batch.Column<string?>(0).BeginUtf8();
            var j = batch.Column<string?>(1).BeginUtf8();
            for (var r = 0; r < texts.Length; r++)
            {
                if (texts[r] is { } text)
                {
                    s.Set(r, System.Text.Encoding.UTF8.GetBytes(text + round));
                    j.Set(r, System.Text.Encoding.UTF8.GetBytes($"{{\"r\": {r + (round * 10)}}}"));
                }
                else
                {
                    s.SetEmpty(r);
                    j.SetEmpty(r);
                    batch.Columns[0].Nulls[r] = batch.Columns[1].Nulls[r] = true;
                }
            }

            batch.RowCount = texts.Length;
            using (var appender = new DuckDbBatchAppender(_connection, null, "utf8", columns))
            {
                appender.Append(batch);
            }

            // The appender took the bytes: the strings were never decoded.
            Assert.NotNull(batch.Column<string?>(0).Utf8);
        }

        var rows = new List<string>();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT s, CAST(j AS VARCHAR) FROM utf8 ORDER BY rowid";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.IsDBNull(0) ? "NULL" : reader.GetString(0)) + "|" + (reader.IsDBNull(1) ? "NULL" : reader.GetString(1)));
            }
        }

        Assert.Equal(
            ["short0|{\"r\": 0}", "NULL|NULL", "ユニコード and a string longer than twelve bytes0|{\"r\": 2}", "0|{\"r\": 3}",
             "short1|{\"r\": 10}", "NULL|NULL", "ユニコード and a string longer than twelve bytes1|{\"r\": 12}", "1|{\"r\": 13}"],
            rows);
    }

    [Fact]
    public void Utf8Values_ReadThroughValues_DecodesOnceAndLaterSetsWin()
    {
        var vector = (ColumnVector<string?>)ColumnVector.Create(ColumnType.String, 3);
        var utf8 = vector.BeginUtf8();
        utf8.Set(0, "é"u8);
        utf8.SetEmpty(1);
        vector.Nulls[1] = true;
        utf8.Set(2, "z"u8);

        Assert.Equal(new string?[] { "é", null, "z" }, vector.Values.AsEnumerable());
        Assert.Null(vector.Utf8);
        vector.Set(2, "changed");
        Assert.Equal("changed", vector.GetBoxed(2));

        // A reset batch forgets bytes that were never decoded, so stale text cannot resurface.
        vector.BeginUtf8().Set(0, "stale"u8);
        vector.ClearNulls();
        Assert.Null(vector.Utf8);
        Assert.Equal("é", vector.Values[0]);
    }

    [Fact]
    public void BeginUtf8_NonTextColumn_Throws()
    {
        var vector = (ColumnVector<long>)ColumnVector.Create(ColumnType.Int64, 2);
        Assert.Throws<InvalidOperationException>(() => vector.BeginUtf8());
    }

    [Fact]
    public void Read_VarcharColumn_KeepsTextAsUtf8UntilValuesAreRead()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT * FROM (VALUES (1, 'é'), (2, NULL), (3, 'a text longer than twelve bytes')) t(id, s) ORDER BY id";
        using var reader = command.ExecuteReader();
        var batches = new DuckDbBatchReader(reader, [new("id", ColumnType.Int32), new("s", ColumnType.String)]);
        var batch = new ColumnBatch([new("id", ColumnType.Int32), new("s", ColumnType.String)], 8);

        Assert.True(batches.Fill(batch));

        var text = batch.Column<string?>(1);
        Assert.NotNull(text.Utf8);
        Assert.Equal("a text longer than twelve bytes"u8.ToArray(), text.Utf8![2].ToArray());
        Assert.Equal(new string?[] { "é", null, "a text longer than twelve bytes" }, text.Values.Take(3));
        Assert.Equal([false, true, false], text.Nulls.Take(3));
    }
}
