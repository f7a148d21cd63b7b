using System.Collections;
using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Compliance;

/// <summary>Column types with extreme values, and helpers to move rows in and out of batches.</summary>
public static class ComplianceData
{
    /// <summary>Orders ids and other scalar values of one type; NULLs first.</summary>
    public static IComparer<object?> ValueComparer { get; } = Comparer<object?>.Create((a, b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        _ => ((IComparable)a).CompareTo(b),
    });

    /// <summary>
    /// Every canonical type (struct last, as not all connectors keep it) with two non-null values each, the first
    /// usually the low extreme and the second the high one. Row 3 of <see cref="TypeRows"/> is all NULL.
    /// </summary>
    public static IReadOnlyList<(ColumnType Type, object First, object Second)> Types { get; } =
    [
        (ColumnType.Boolean, true, false),
        (ColumnType.Int8, sbyte.MinValue, sbyte.MaxValue),
        (ColumnType.Int16, short.MinValue, short.MaxValue),
        (ColumnType.Int32, int.MinValue, int.MaxValue),
        (ColumnType.Int64, long.MinValue, long.MaxValue),
        (ColumnType.UInt8, (byte)0, byte.MaxValue),
        (ColumnType.UInt16, (ushort)0, ushort.MaxValue),
        (ColumnType.UInt32, 0u, uint.MaxValue),
        (ColumnType.UInt64, 0ul, ulong.MaxValue),
        (ColumnType.Float32, -1.25f, 3.4028235E+38f),
        (ColumnType.Float64, -2.5e-300, 1.7976931348623157E+308),
        (ColumnType.Decimal(38, 10), -0.0000000001m, 123456789012345678.0123456789m),
        (ColumnType.Decimal(12, 2), -9999999999.99m, 0.01m),
        (ColumnType.Decimal(18, 0), -999999999999999999m, 1m),
        (ColumnType.String, "", "héllo ‘quoted’ \"double\" 'single' 😀\n\ttab, comma; \\ backslash"),
        (ColumnType.Bytes, Array.Empty<byte>(), new byte[] { 0, 255, 1, 0 }),
        (ColumnType.Date, new DateOnly(1, 1, 1), new DateOnly(9999, 12, 31)),
        (ColumnType.Time, new TimeOnly(0, 0), new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990))),
        (ColumnType.Timestamp, new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9_999_990)),
        (ColumnType.TimestampTz, new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(10), new DateTimeOffset(2999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990)),
        (ColumnType.Interval, new Interval(0, 0, 0), new Interval(14, -3, 86_400_000_001L)),
        (ColumnType.Uuid, Guid.Empty, Guid.Parse("0b1e2f3a-4c5d-6e7f-8091-a2b3c4d5e6f7")),
        (ColumnType.Json, "[]", "{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}"),
        (ColumnType.List(ColumnType.Int64), Array.Empty<object?>(), new object?[] { 1L, null, long.MaxValue }),
        (ColumnType.List(ColumnType.String), new object?[] { "a" }, new object?[] { "b, \"c\"", null }),
        (ColumnType.Struct([new ColumnField("x", ColumnType.Int32), new ColumnField("y", ColumnType.String)]),
            new Dictionary<string, object?> { ["x"] = 1, ["y"] = null }, new Dictionary<string, object?> { ["x"] = null, ["y"] = "z" }),
    ];

    /// <summary>A column name for a type (<c>c_decimal_38_10</c>).</summary>
    public static string ColumnName(ColumnType type) =>
        "c_" + new string([.. type.ToString().Select(c => char.IsLetterOrDigit(c) ? c : '_')]).Trim('_');

    /// <summary><c>id int64</c> then one column per supported type.</summary>
    public static ImmutableArray<ColumnSchema> TypeColumns(Func<ColumnType, bool> supported) =>
        [new ColumnSchema("id", ColumnType.Int64, Nullable: false), .. Types.Where(t => supported(t.Type)).Select(t => new ColumnSchema(ColumnName(t.Type), t.Type))];

    /// <summary>Three rows for <paramref name="columns"/> (from <see cref="TypeColumns"/>): first values, second values, NULLs.</summary>
    public static IReadOnlyList<object?[]> TypeRows(ImmutableArray<ColumnSchema> columns)
    {
        var rows = new List<object?[]>();
        for (var r = 0; r < 3; r++)
        {
            var row = new object?[columns.Length];
            row[0] = (long)(r + 1);
            for (var c = 1; c < columns.Length; c++)
            {
                var entry = Types.First(t => t.Type.Equals(columns[c].Type));
                row[c] = r switch { 0 => entry.First, 1 => entry.Second, _ => null };
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A batch holding <paramref name="rows"/>.</summary>
    public static ColumnBatch Batch(ImmutableArray<ColumnSchema> columns, IReadOnlyList<object?[]> rows)
    {
        var batch = new ColumnBatch(columns, Math.Max(1, rows.Count));
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                batch.Columns[c].SetBoxed(r, rows[r][c]);
            }
        }

        batch.RowCount = rows.Count;
        return batch;
    }

    /// <summary>The rows of a batch, copied out (a source may reuse the batch).</summary>
    public static IEnumerable<object?[]> Rows(ColumnBatch batch)
    {
        for (var r = 0; r < batch.RowCount; r++)
        {
            var row = new object?[batch.Columns.Length];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = batch.Columns[c].GetBoxed(r);
            }

            yield return row;
        }
    }

    /// <summary>Asserts that two values are the same canonical value (lists, structs and byte arrays by content).</summary>
    public static void AssertValue(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{where}: expected NULL, got {Show(actual)}");
                break;
            case byte[] bytes:
                Assert.True(actual is byte[] b && b.AsSpan().SequenceEqual(bytes), $"{where}: expected {Show(expected)}, got {Show(actual)}");
                break;
            case IReadOnlyDictionary<string, object?> fields:
                var actualFields = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(actual);
                Assert.Equal(fields.Count, actualFields.Count);
                foreach (var (key, value) in fields)
                {
                    Assert.True(actualFields.TryGetValue(key, out var actualValue), $"{where}: field {key} missing");
                    AssertValue(value, actualValue, $"{where}.{key}");
                }

                break;
            case object?[] items:
                var actualItems = Assert.IsType<object?[]>(actual);
                Assert.True(items.Length == actualItems.Length, $"{where}: expected {Show(expected)}, got {Show(actual)}");
                for (var i = 0; i < items.Length; i++)
                {
                    AssertValue(items[i], actualItems[i], $"{where}[{i}]");
                }

                break;
            case decimal number:
                // Decimals come back as DecimalValue at the column's scale; equal by value (1.5 == 1.50).
                Assert.True(actual is DecimalValue exact && exact == DecimalValue.FromDecimal(number), $"{where}: expected {Show(expected)}, got {Show(actual)} ({actual?.GetType().Name ?? "null"})");
                break;
            case DateTimeOffset stamp:
                var actualStamp = Assert.IsType<DateTimeOffset>(actual);
                Assert.True(stamp == actualStamp && actualStamp.Offset == TimeSpan.Zero, $"{where}: expected {stamp:O}, got {actualStamp:O}");
                break;
            default:
                Assert.True(Equals(expected, actual), $"{where}: expected {Show(expected)} ({expected.GetType().Name}), got {Show(actual)} ({actual?.GetType().Name ?? "null"})");
                break;
        }
    }

    /// <summary>Asserts rows equal, row by row and column by column, naming the first difference.</summary>
    public static void AssertRows(IReadOnlyList<object?[]> expected, IReadOnlyList<object?[]> actual, IReadOnlyList<ColumnSchema> columns)
    {
        Assert.True(expected.Count == actual.Count, $"expected {expected.Count} rows, got {actual.Count}");
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (var c = 0; c < expected[r].Length; c++)
            {
                AssertValue(expected[r][c], actual[r][c], $"row {r + 1} column {columns[c].Name} ({columns[c].Type})");
            }
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] b => "0x" + Convert.ToHexString(b),
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{k}: {Show(d[k])}")) + "}",
        IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
