using System.Buffers;
using System.Text;
using System.Text.Json;
using Nagare.Core.Batches;
using Nagare.Core.Json;
using Nagare.Core.Text;
using Nagare.Core.Types;

namespace Nagare.Core.Tests.Text;

public sealed class ValueFormatTests
{
    private static readonly DateTimeOffset Instant = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Every canonical kind: the value (as a vector holds it), its text and its JSON.</summary>
    private static readonly Dictionary<string, (ColumnType Type, object Value, string Text, string Json)> Cases = new()
    {
        ["boolean true"] = (ColumnType.Boolean, true, "true", "true"),
        ["boolean false"] = (ColumnType.Boolean, false, "false", "false"),
        ["int8 min"] = (ColumnType.Int8, sbyte.MinValue, "-128", "-128"),
        ["int16 max"] = (ColumnType.Int16, short.MaxValue, "32767", "32767"),
        ["int32 min"] = (ColumnType.Int32, int.MinValue, "-2147483648", "-2147483648"),
        ["int64 min"] = (ColumnType.Int64, long.MinValue, "-9223372036854775808", "-9223372036854775808"),
        ["int64 max"] = (ColumnType.Int64, long.MaxValue, "9223372036854775807", "9223372036854775807"),
        ["uint8 max"] = (ColumnType.UInt8, byte.MaxValue, "255", "255"),
        ["uint16 max"] = (ColumnType.UInt16, ushort.MaxValue, "65535", "65535"),
        ["uint32 max"] = (ColumnType.UInt32, uint.MaxValue, "4294967295", "4294967295"),
        ["uint64 max"] = (ColumnType.UInt64, ulong.MaxValue, "18446744073709551615", "18446744073709551615"),
        ["float32 shortest"] = (ColumnType.Float32, 0.1f, "0.1", "0.1"),
        ["float32 NaN"] = (ColumnType.Float32, float.NaN, "NaN", "\"NaN\""),
        ["float64 shortest"] = (ColumnType.Float64, 0.1, "0.1", "0.1"),
        ["float64 exponent"] = (ColumnType.Float64, 1e20, "1E+20", "1E+20"),
        ["float64 max"] = (ColumnType.Float64, double.MaxValue, "1.7976931348623157E+308", "1.7976931348623157E+308"),
        ["float64 smallest"] = (ColumnType.Float64, double.Epsilon, "5E-324", "5E-324"),
        ["float64 negative zero"] = (ColumnType.Float64, -0.0, "-0", "-0"),
        ["float64 NaN"] = (ColumnType.Float64, double.NaN, "NaN", "\"NaN\""),
        ["float64 infinity"] = (ColumnType.Float64, double.PositiveInfinity, "Infinity", "\"Infinity\""),
        ["float64 negative infinity"] = (ColumnType.Float64, double.NegativeInfinity, "-Infinity", "\"-Infinity\""),
        ["decimal keeps scale"] = (ColumnType.Decimal(10, 2), new DecimalValue(150, 2), "1.50", "1.50"),
        ["decimal small negative"] = (ColumnType.Decimal(10, 2), new DecimalValue(-1, 2), "-0.01", "-0.01"),
        ["decimal zero"] = (ColumnType.Decimal(5, 2), new DecimalValue(0, 2), "0.00", "0.00"),
        ["decimal 38 digits"] = (ColumnType.Decimal(38, 0), new DecimalValue(UnscaledDecimal.MaxUnscaled, 0), "99999999999999999999999999999999999999", "99999999999999999999999999999999999999"),
        ["decimal 38 digits scale 38"] = (ColumnType.Decimal(38, 38), new DecimalValue(-UnscaledDecimal.MaxUnscaled, 38), "-0.99999999999999999999999999999999999999", "-0.99999999999999999999999999999999999999"),
        ["string empty"] = (ColumnType.String, "", "", "\"\""),
        ["string non-ASCII"] = (ColumnType.String, "顧客 ü 😀", "顧客 ü 😀", "\"顧客 ü 😀\""),
        ["string quote and newline"] = (ColumnType.String, "a\"b\nc", "a\"b\nc", "\"a\\\"b\\nc\""),
        ["bytes empty"] = (ColumnType.Bytes, Array.Empty<byte>(), "\\x", "\"\""),
        ["bytes"] = (ColumnType.Bytes, new byte[] { 0, 255, 1, 10 }, "\\x00ff010a", "\"AP8BCg==\""),
        ["date before 1970"] = (ColumnType.Date, new DateOnly(1969, 7, 20), "1969-07-20", "\"1969-07-20\""),
        ["date min"] = (ColumnType.Date, DateOnly.MinValue, "0001-01-01", "\"0001-01-01\""),
        ["date max"] = (ColumnType.Date, DateOnly.MaxValue, "9999-12-31", "\"9999-12-31\""),
        ["time whole seconds"] = (ColumnType.Time, new TimeOnly(3, 4, 5), "03:04:05", "\"03:04:05\""),
        ["time trailing zeros dropped"] = (ColumnType.Time, new TimeOnly(3, 4, 5, 500), "03:04:05.5", "\"03:04:05.5\""),
        ["time seventh digit truncated"] = (ColumnType.Time, new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_999)), "23:59:59.999999", "\"23:59:59.999999\""),
        ["timestamp before 1970"] = (ColumnType.Timestamp, new DateTime(1969, 12, 31, 23, 59, 59, 500), "1969-12-31T23:59:59.5", "\"1969-12-31T23:59:59.5\""),
        ["timestamp midnight"] = (ColumnType.Timestamp, new DateTime(2024, 1, 2), "2024-01-02T00:00:00", "\"2024-01-02T00:00:00\""),
        ["timestamp max"] = (ColumnType.Timestamp, DateTime.MaxValue, "9999-12-31T23:59:59.999999", "\"9999-12-31T23:59:59.999999\""),
        ["timestamptz micros"] = (ColumnType.TimestampTz, Instant.AddTicks(1_234_560), "2024-01-02T03:04:05.123456Z", "\"2024-01-02T03:04:05.123456Z\""),
        ["timestamptz seventh digit truncated"] = (ColumnType.TimestampTz, Instant.AddTicks(1_234_567), "2024-01-02T03:04:05.123456Z", "\"2024-01-02T03:04:05.123456Z\""),
        ["timestamptz whole seconds"] = (ColumnType.TimestampTz, Instant, "2024-01-02T03:04:05Z", "\"2024-01-02T03:04:05Z\""),
        ["timestamptz other offset as UTC"] = (ColumnType.TimestampTz, new DateTimeOffset(2024, 1, 2, 12, 4, 5, TimeSpan.FromHours(9)), "2024-01-02T03:04:05Z", "\"2024-01-02T03:04:05Z\""),
        ["timestamptz min"] = (ColumnType.TimestampTz, DateTimeOffset.MinValue, "0001-01-01T00:00:00Z", "\"0001-01-01T00:00:00Z\""),
        ["interval"] = (ColumnType.Interval, new Interval(1, 2, 3_000_004), "P1M2DT3.000004S", "\"P1M2DT3.000004S\""),
        ["interval zero"] = (ColumnType.Interval, new Interval(0, 0, 0), "PT0S", "\"PT0S\""),
        ["interval days"] = (ColumnType.Interval, new Interval(0, 3, 0), "P3D", "\"P3D\""),
        ["interval negative"] = (ColumnType.Interval, new Interval(-1, -2, -3_000_000), "P-1M-2DT-3S", "\"P-1M-2DT-3S\""),
        ["interval negative under a second"] = (ColumnType.Interval, new Interval(0, 0, -500_000), "PT-0.5S", "\"PT-0.5S\""),
        ["uuid"] = (ColumnType.Uuid, Guid.Parse("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"), "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "\"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9\""),
        ["json document"] = (ColumnType.Json, "{\"a\": [1, 2]}", "{\"a\": [1, 2]}", "{\"a\": [1, 2]}"),
        ["list with NULL"] = (ColumnType.List(ColumnType.Int64), new object?[] { 1L, null, 3L }, "[1,null,3]", "[1,null,3]"),
        ["list of text"] = (ColumnType.List(ColumnType.String), new object?[] { "a", "ü" }, "[\"a\",\"ü\"]", "[\"a\",\"ü\"]"),
        ["list of timestamptz"] = (ColumnType.List(ColumnType.TimestampTz), new object?[] { Instant }, "[\"2024-01-02T03:04:05Z\"]", "[\"2024-01-02T03:04:05Z\"]"),
        ["struct"] = (
            ColumnType.Struct([new("k", ColumnType.Boolean), new("at", ColumnType.TimestampTz), new("d", ColumnType.Decimal(5, 2)), new("b", ColumnType.Bytes)]),
            new Dictionary<string, object?> { ["k"] = true, ["at"] = Instant, ["d"] = new DecimalValue(150, 2), ["b"] = new byte[] { 1 } },
            "{\"k\":true,\"at\":\"2024-01-02T03:04:05Z\",\"d\":1.50,\"b\":\"AQ==\"}",
            "{\"k\":true,\"at\":\"2024-01-02T03:04:05Z\",\"d\":1.50,\"b\":\"AQ==\"}"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Format_EveryKind_CanonicalTextAlikeInUtf16AndUtf8(string name)
    {
        var (type, value, text, _) = Cases[name];
        var vector = Vector(type, value);
        var chars = new ArrayBufferWriter<char>();
        var bytes = new ArrayBufferWriter<byte>();

        ValueFormat.Write(vector, 0, chars);
        ValueFormat.Write(vector, 0, bytes);

        Assert.Equal(text, ValueFormat.Format(vector.GetBoxed(0)));
        Assert.Equal(text, chars.WrittenSpan.ToString());
        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void WriteJson_EveryKind_CanonicalJsonFromVectorAndBoxedValue(string name)
    {
        var (type, value, _, json) = Cases[name];
        var vector = Vector(type, value);

        Assert.Equal(json, Json(writer => ValueFormat.WriteJson(writer, vector, 0)));
        Assert.Equal(json, ValueFormat.ToJson(vector.GetBoxed(0), type));
    }

    [Fact]
    public void WriteJson_NullRow_WritesNull()
    {
        var vector = ColumnVector.Create(ColumnType.TimestampTz, 1);
        vector.SetBoxed(0, null);

        Assert.Equal("null", Json(writer => ValueFormat.WriteJson(writer, vector, 0)));
        Assert.Equal(string.Empty, ValueFormat.Format(null));
        Assert.Equal(string.Empty, ValueFormat.Format(DBNull.Value));
    }

    [Fact]
    public void Write_StructFieldsInAnotherOrder_WrittenInTheTypesOrder()
    {
        var type = ColumnType.Struct([new("k", ColumnType.Boolean), new("n", ColumnType.Int32)]);
        var vector = Vector(type, new Dictionary<string, object?> { ["n"] = 1, ["k"] = false });
        var bytes = new ArrayBufferWriter<byte>();

        ValueFormat.Write(vector, 0, bytes);

        Assert.Equal("{\"k\":false,\"n\":1}"u8.ToArray(), bytes.WrittenSpan.ToArray());
        Assert.Equal("{\"k\":false,\"n\":1}", Json(writer => ValueFormat.WriteJson(writer, vector, 0)));
    }

    [Fact]
    public void Write_TextHeldAsUtf8_SameTextWithoutDecoding()
    {
        var vector = (ColumnVector<string?>)ColumnVector.Create(ColumnType.String, 1);
        vector.BeginUtf8().Set(0, "名前 ü"u8);
        var chars = new ArrayBufferWriter<char>();
        var bytes = new ArrayBufferWriter<byte>();

        ValueFormat.Write(vector, 0, bytes);
        ValueFormat.Write(vector, 0, chars);

        Assert.Equal("名前 ü"u8.ToArray(), bytes.WrittenSpan.ToArray());
        Assert.Equal("名前 ü", chars.WrittenSpan.ToString());
    }

    [Fact]
    public void Format_TimestampTzWithDisplayZone_WallTimeWithOffset()
    {
        var tokyo = TimeZoneInfo.CreateCustomTimeZone("Test/Plus9", TimeSpan.FromHours(9), "Plus9", "Plus9");
        var vector = Vector(ColumnType.TimestampTz, Instant.AddTicks(5_000_000));
        var chars = new ArrayBufferWriter<char>();
        var bytes = new ArrayBufferWriter<byte>();

        ValueFormat.Write(vector, 0, chars, tokyo);
        ValueFormat.Write(vector, 0, bytes, tokyo);

        Assert.Equal("2024-01-02T12:04:05.5+09:00", ValueFormat.Format(Instant.AddTicks(5_000_000), tokyo));
        Assert.Equal("2024-01-02T12:04:05.5+09:00", chars.WrittenSpan.ToString());
        Assert.Equal("2024-01-02T12:04:05.5+09:00"u8.ToArray(), bytes.WrittenSpan.ToArray());
        Assert.Equal("2024-01-02T03:04:05.5Z", ValueFormat.Format(Instant.AddTicks(5_000_000), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Format_ValuesOfOtherReaders_SameFormsAsCanonicalOnes()
    {
        Assert.Equal("1.50", ValueFormat.Format(1.50m));
        Assert.Equal("170141183460469231731687303715884105727", ValueFormat.Format(Int128.MaxValue));
        Assert.Equal("[1,\"a\"]", ValueFormat.Format(new List<object?> { 1, "a" }));
        Assert.Equal("{\"1\":\"P1D\"}", ValueFormat.ToJson(new Dictionary<int, Interval> { [1] = new(0, 1, 0) }));
        Assert.Equal("1.50", ValueFormat.ToJson(1.50m));
        Assert.Equal("170141183460469231731687303715884105727", ValueFormat.ToJson(Int128.MaxValue));
    }

    private static ColumnVector Vector(ColumnType type, object value)
    {
        var vector = ColumnVector.Create(type, 1);
        vector.SetBoxed(0, value);
        return vector;
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
