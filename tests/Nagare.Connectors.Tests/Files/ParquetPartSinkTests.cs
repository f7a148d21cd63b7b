using System.Collections.Immutable;
using Nagare.Connectors.Files;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

public sealed class ParquetPartSinkTests
{
    private static readonly ImmutableArray<ColumnSchema> Columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String)];

    [Fact]
    public async Task WriteAsync_MaxRowsPerFile_WritesEachPartWhenFullAndDropsItsRows()
    {
        using var kit = new FilesTestKit();
        var names = Names(kit);
        var buffered = new List<long>();
        var parts = new List<int>();
        await using (var sink = new ParquetPartSink(Columns, names, maxRows: 1000, maxBytes: null, "snappy", "s", kit.Root))
        {
            for (var b = 0; b < 10; b++)
            {
                await sink.WriteAsync(FilesTestKit.Batch(Columns, Rows((b * 700) + 1, (b + 1) * 700)), CancellationToken.None);
                buffered.Add(sink.BufferedRows);
                parts.Add(names.Parts.Count);
            }

            await sink.CompleteAsync(emptyPartIfNoRows: false, CancellationToken.None);
        }

        Assert.Equal([700L, 400L, 100L, 800L, 500L, 200L, 900L, 600L, 300L, 0L], buffered);
        Assert.Equal([0, 1, 2, 2, 3, 4, 4, 5, 6, 7], parts);
        Assert.Equal([1000L, 1000, 1000, 1000, 1000, 1000, 1000], names.Parts.Select(p => p.Rows));
        for (var i = 0; i < names.Parts.Count; i++)
        {
            Assert.Equal(
                $"1000 {(i * 1000) + 1} {(i + 1) * 1000} true",
                FilesTestKit.Scalar<string>($"SELECT concat_ws(' ', count(*), min(id), max(id), bool_and(id = file_row_number + {(i * 1000) + 1})) FROM read_parquet('{names.Parts[i].TempPath}', file_row_number = true)"));
        }
    }

    [Fact]
    public async Task WriteAsync_OnlyMaxBytesPerFile_WritesPartsBeforeTheEndWithinTheLimit()
    {
        using var kit = new FilesTestKit();
        var names = Names(kit);
        long maxBuffered = 0;
        int partsBeforeEnd;
        await using (var sink = new ParquetPartSink(Columns, names, maxRows: null, maxBytes: 200_000, "uncompressed", "s", kit.Root))
        {
            for (var b = 0; b < 40; b++)
            {
                await sink.WriteAsync(FilesTestKit.Batch(Columns, Rows((b * 10_000) + 1, (b + 1) * 10_000)), CancellationToken.None);
                maxBuffered = Math.Max(maxBuffered, sink.BufferedRows);
            }

            partsBeforeEnd = names.Parts.Count;
            await sink.CompleteAsync(emptyPartIfNoRows: false, CancellationToken.None);
        }

        Assert.True(partsBeforeEnd >= 10, $"only {partsBeforeEnd} parts were written before the end");
        Assert.True(maxBuffered < 100_000, $"{maxBuffered} rows were buffered at once");
        Assert.All(names.Parts, p => Assert.InRange(new FileInfo(p.TempPath).Length, 1, 200_000));
        Assert.Equal(400_000L, names.Parts.Sum(p => p.Rows));
        Assert.Equal(
            "400000 1 400000 true",
            FilesTestKit.Scalar<string>($"SELECT concat_ws(' ', count(*), min(id), max(id), bool_and(id = n)) FROM (SELECT id, row_number() OVER (ORDER BY filename, file_row_number) AS n FROM read_parquet('{Path.Combine(kit.Root, "parts", "x")}/*.parquet', filename = true, file_row_number = true))"));
    }

    private static PartNames Names(FilesTestKit kit) =>
        new(new FileNameTemplate("x/part-{part:000}.{ext}"), new FileNameValues("s", null, "sync", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), "parquet"), kit.Root, 1);

    private static object?[][] Rows(int from, int to) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new object?[] { (long)i, "name " + i })];
}
