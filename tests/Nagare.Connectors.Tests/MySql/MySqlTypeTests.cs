using System.Collections.Immutable;
using Nagare.Connectors.MySql;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.MySql;

/// <summary>MySQL's own types, as an application created them, read through discovery and a full read.</summary>
public sealed class MySqlTypeTests(MySqlFixture server) : IClassFixture<MySqlFixture>
{
    [MySqlFact]
    public async Task Read_MySqlTypes_MapsAndReadsEveryValue()
    {
        var database = await server.CreateDatabaseAsync("types");
        await server.ExecuteAsync(
            """
            SET sql_mode = '';
            CREATE TABLE kinds (
                id INT NOT NULL PRIMARY KEY,
                flag TINYINT(1), tiny TINYINT, utiny TINYINT UNSIGNED, usmall SMALLINT UNSIGNED, medium MEDIUMINT, umedium MEDIUMINT UNSIGNED,
                uint INT UNSIGNED, ubig BIGINT UNSIGNED, bit1 BIT(1), bits BIT(12), money DECIMAL(12,2), wide DECIMAL(65,30),
                ratio FLOAT, precise DOUBLE, yr YEAR, dur TIME(6), colour ENUM('red','green','blue'), tags SET('a','b','c'), doc JSON,
                raw VARBINARY(16), blobbed BLOB, born DATE, seen DATETIME(6), stamped TIMESTAMP(6) NULL, note VARCHAR(100))
            DEFAULT CHARSET = utf8mb4;
            INSERT INTO kinds VALUES
              (1, 1, -128, 255, 65535, -8388608, 16777215, 4294967295, 18446744073709551615, b'1', b'101010101010', -1234567890.12,
               '12345678901234567890123456789012345.123456789012345678901234567891',
               1.5, 2.25, 2155, '838:59:59.000000', 'green', 'a,c', '{"k": [1, "二"]}',
               0x00FF10, 0xDEADBEEF, '1000-01-01', '2024-02-29 23:59:59.123456', '2024-01-01 00:00:00.5', 'emoji 🍣 and 日本語'),
              (2, 0, 127, 0, 0, 8388607, 0, 0, 0, b'0', b'0', 0.01, '-0.000000000000000000000000000001',
               -0.5, -1e300, 1901, '-12:30:00', 'red', '', '[]',
               X'', '', '9999-12-31', '1000-01-01 00:00:00', '2038-01-19 03:14:07.999999', ''),
              (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """,
            database);
        await using var connection = server.CreateConnection(database);

        var stream = await DiscoverAsync(connection, "kinds");
        var rows = await ReadAsync(connection, stream);

        Assert.Equal(
            [
                "int32", "boolean", "int8", "uint8", "uint16", "int32", "uint32", "uint32", "uint64", "boolean", "uint64", "decimal(12,2)", "string",
                "float32", "float64", "int16", "interval", "string", "list<string>", "json", "bytes", "bytes", "date", "timestamp", "timestamptz", "string",
            ],
            stream.Columns.Select(c => c.Type.ToString()));
        Assert.Equal(["id"], stream.PrimaryKey.ToArray());
        Assert.Equal("bigint(20) unsigned", stream.Find("ubig")!.NativeType);
        object?[] first =
        [
            1, true, (sbyte)-128, (byte)255, (ushort)65535, -8388608, 16777215u, 4294967295u, 18446744073709551615ul, true, 0b101010101010ul, -1234567890.12m,
            "12345678901234567890123456789012345.123456789012345678901234567891", 1.5f, 2.25, (short)2155,
            new Interval(0, 0, ((838L * 3600) + (59 * 60) + 59) * 1_000_000), "green", new object?[] { "a", "c" }, "{\"k\": [1, \"二\"]}",
            new byte[] { 0, 255, 16 }, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, new DateOnly(1000, 1, 1), new DateTime(2024, 2, 29, 23, 59, 59, 123).AddTicks(4560),
            new DateTimeOffset(2024, 1, 1, 0, 0, 0, 500, TimeSpan.Zero), "emoji 🍣 and 日本語",
        ];
        object?[] second =
        [
            2, false, (sbyte)127, (byte)0, (ushort)0, 8388607, 0u, 0u, 0ul, false, 0ul, 0.01m, "-0.000000000000000000000000000001",
            -0.5f, -1e300, (short)1901, new Interval(0, 0, -((12L * 3600) + (30 * 60)) * 1_000_000), "red", Array.Empty<object?>(), "[]",
            Array.Empty<byte>(), Array.Empty<byte>(), new DateOnly(9999, 12, 31), new DateTime(1000, 1, 1),
            new DateTimeOffset(2038, 1, 19, 3, 14, 7, 999, TimeSpan.Zero).AddTicks(9990), "",
        ];
        ComplianceData.AssertRows([first, second, [3, .. Enumerable.Repeat<object?>(null, 25)]], rows, stream.Columns);
    }

    [MySqlFact]
    public async Task Read_ZeroDates_AreNullByDefault()
    {
        var database = await ZeroDatesAsync();
        await using var connection = server.CreateConnection(database);

        var rows = await ReadAsync(connection, await DiscoverAsync(connection, "events"));

        ComplianceData.AssertRows(
            [[1, null, null], [2, null, null], [3, new DateOnly(2024, 1, 10), new DateTime(2024, 1, 10, 8, 0, 0)]],
            rows,
            [new("id", ColumnType.Int32), new("day", ColumnType.Date), new("at", ColumnType.Timestamp)]);
    }

    [MySqlFact]
    public async Task Read_ZeroDatesSetToError_ThrowsNamingTableColumnAndKey()
    {
        var database = await ZeroDatesAsync();
        await using var connection = server.CreateConnection(database, "legacy_app", o => o with { ZeroDates = MySqlZeroDates.Error });
        var stream = await DiscoverAsync(connection, "events");

        // The key is named even when the projection leaves it out.
        var error = await Assert.ThrowsAsync<ConnectorException>(() => ReadAsync(connection, stream, [stream.Find("day")!]));

        Assert.Equal(
            $"Table {database}.events of connection legacy_app: column 'day' holds the date '0000-00-00', which no calendar has, at key id=1.",
            error.Message);
        Assert.Equal("legacy_app", error.Connection);
        Assert.Contains("zero_dates: null", error.Hint, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task Read_DatetimeWithSourceTimezone_ReadsInstantsAndTimestampIgnoresIt()
    {
        var database = await server.CreateDatabaseAsync("zones");
        // An application in Japan wrote local wall-clock times into DATETIME on a server running UTC; its TIMESTAMP
        // values were converted by its JST session and are stored as instants.
        await server.ExecuteAsync(
            """
            CREATE TABLE orders (id INT PRIMARY KEY, placed DATETIME, paid TIMESTAMP NULL);
            SET time_zone = '+09:00';
            INSERT INTO orders VALUES (1, '2024-01-01 09:00:00', '2024-01-01 09:00:00'), (2, '2024-07-01 00:30:00', '2024-07-01 00:30:00');
            """,
            database);
        await using var plain = server.CreateConnection(database);
        await using var tokyo = server.CreateConnection(database, configure: o => o with { SourceTimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo") });

        var plainStream = await DiscoverAsync(plain, "orders");
        var tokyoStream = await DiscoverAsync(tokyo, "orders");
        var plainRows = await ReadAsync(plain, plainStream);
        var tokyoRows = await ReadAsync(tokyo, tokyoStream);
        var after = await ReadAsync(tokyo, tokyoStream, cursor: new CursorRange("placed", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(["timestamp", "timestamptz"], plainStream.Columns.Skip(1).Select(c => c.Type.ToString()));
        Assert.Equal(["timestamptz", "timestamptz"], tokyoStream.Columns.Skip(1).Select(c => c.Type.ToString()));
        var utc = TimeSpan.Zero;
        ComplianceData.AssertRows(
            [
                [1, new DateTime(2024, 1, 1, 9, 0, 0), new DateTimeOffset(2024, 1, 1, 0, 0, 0, utc)],
                [2, new DateTime(2024, 7, 1, 0, 30, 0), new DateTimeOffset(2024, 6, 30, 15, 30, 0, utc)],
            ],
            plainRows,
            plainStream.Columns);
        ComplianceData.AssertRows(
            [
                [1, new DateTimeOffset(2024, 1, 1, 0, 0, 0, utc), new DateTimeOffset(2024, 1, 1, 0, 0, 0, utc)],
                [2, new DateTimeOffset(2024, 6, 30, 15, 30, 0, utc), new DateTimeOffset(2024, 6, 30, 15, 30, 0, utc)],
            ],
            tokyoRows,
            tokyoStream.Columns);
        Assert.Equal([2], after.Select(r => r[0]));
    }

    [MySqlFact]
    public async Task Read_LegacyCharsetTables_DecodesToTheSameText()
    {
        var database = await server.CreateDatabaseAsync("charsets");
        await server.ExecuteAsync(
            """
            CREATE TABLE legacy_cp932 (id INT PRIMARY KEY, name VARCHAR(40)) CHARACTER SET cp932;
            CREATE TABLE legacy_sjis (id INT PRIMARY KEY, name VARCHAR(40)) CHARACTER SET sjis;
            CREATE TABLE legacy_latin1 (id INT PRIMARY KEY, name VARCHAR(40)) CHARACTER SET latin1;
            CREATE TABLE modern (id INT PRIMARY KEY, name VARCHAR(40)) CHARACTER SET utf8mb4;
            INSERT INTO legacy_cp932 VALUES (1, '髙橋 ①～ ｶﾅ'), (2, '表示');
            INSERT INTO legacy_sjis VALUES (1, '日本語 ソース'), (2, 'ｱｲｳ');
            INSERT INTO legacy_latin1 VALUES (1, 'Café crème £5'), (2, 'naïve');
            INSERT INTO modern VALUES (1, '寿司 🍣 👨‍👩‍👧'), (2, 'plain');
            """,
            database);
        await using var connection = server.CreateConnection(database);

        var read = new Dictionary<string, string[]>();
        foreach (var table in new[] { "legacy_cp932", "legacy_sjis", "legacy_latin1", "modern" })
        {
            read[table] = [.. (await ReadAsync(connection, await DiscoverAsync(connection, table))).Select(r => (string)r[1]!)];
        }

        Assert.Equal(["髙橋 ①～ ｶﾅ", "表示"], read["legacy_cp932"]);
        Assert.Equal(["日本語 ソース", "ｱｲｳ"], read["legacy_sjis"]);
        Assert.Equal(["Café crème £5", "naïve"], read["legacy_latin1"]);
        Assert.Equal(["寿司 🍣 👨‍👩‍👧", "plain"], read["modern"]);
    }

    private async Task<string> ZeroDatesAsync()
    {
        var database = await server.CreateDatabaseAsync("zero");
        await server.ExecuteAsync(
            """
            SET sql_mode = '';
            CREATE TABLE events (id INT PRIMARY KEY, day DATE, at DATETIME);
            INSERT INTO events VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-00-10', '2024-02-00 10:00:00'), (3, '2024-01-10', '2024-01-10 08:00:00');
            """,
            database);
        return database;
    }

    internal static async Task<StreamSchema> DiscoverAsync(ISource source, string table)
    {
        await foreach (var stream in source.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            if (stream.Id.Name == table)
            {
                return stream;
            }
        }

        throw new InvalidOperationException($"Discovery did not find {table}.");
    }

    internal static async Task<List<object?[]>> ReadAsync(
        ISource source, StreamSchema stream, ImmutableArray<ColumnSchema> columns = default, CursorRange? cursor = null, string? snapshot = null, KeyRange? range = null)
    {
        var rows = new List<object?[]>();
        await foreach (var batch in source.ReadAsync(new ReadRequest(stream, columns.IsDefault ? [] : columns, Cursor: cursor, Snapshot: snapshot, Range: range), CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        return [.. rows.OrderBy(r => r[0], ComplianceData.ValueComparer)];
    }
}
