using System.Collections.Immutable;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

public sealed class ParquetStreamSinkTests
{
    private static readonly ImmutableArray<ColumnSchema> Columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String)];

    [Fact]
    public async Task WriteAsync_ReusedBatchesWithoutSplit_OneFileWithEveryRowInOrder()
    {
        using var kit = new FilesTestKit();
        var names = Names(kit);
        ImmutableArray<ColumnSchema> columns = [.. Columns, new("amount", ColumnType.Decimal(12, 2)), new("doc", ColumnType.Json)];

        // One batch object refilled for every write, as sources do: a row read after WriteAsync returned would show up
        // as a later batch's value.
        var batch = new Core.Batches.ColumnBatch(columns, 3000);
        var partsBeforeEnd = -1;
        await using (var sink = new ParquetStreamSink(columns, names, maxRows: null, "snappy", "s", kit.Root))
        {
            for (var b = 0; b < 25; b++)
            {
                batch.Reset();

                // Names as UTF-8 bytes in the column's reused buffer, as the PostgreSQL source fills text.
                var names8 = batch.Column<string?>(1).BeginUtf8();
                for (var r = 0; r < 3000; r++)
                {
                    long id = (b * 3000) + r + 1;
                    batch.Columns[0].SetBoxed(r, id);
                    if (id % 7 == 0)
                    {
                        names8.SetEmpty(r);
                        batch.Columns[1].Nulls[r] = true;
                    }
                    else
                    {
                        names8.Set(r, System.Text.Encoding.UTF8.GetBytes("name " + id));
                    }

                    batch.Columns[2].SetBoxed(r, id / 100m);
                    batch.Columns[3].SetBoxed(r, $"{{\"id\":{id}}}");
                }

                batch.RowCount = 3000;
                await sink.WriteAsync(batch, CancellationToken.None);
            }

            partsBeforeEnd = names.Parts.Count;
            await sink.CompleteAsync(emptyPartIfNoRows: false, CancellationToken.None);
            Assert.Equal(75_000L, sink.Rows);
        }

        Assert.Equal(0, partsBeforeEnd);
        var part = Assert.Single(names.Parts);
        Assert.Equal(75_000L, part.Rows);
        Assert.Equal(new FileInfo(part.TempPath).Length, part.Bytes);
        Assert.Equal(
            "75000 1 75000 true true true true",
            FilesTestKit.Scalar<string>(
                $"SELECT concat_ws(' ', count(*), min(id), max(id), bool_and(id = file_row_number + 1), bool_and(name IS NOT DISTINCT FROM CASE WHEN id % 7 = 0 THEN NULL ELSE 'name ' || id END), " +
                $"bool_and(amount = id / 100), bool_and(doc->>'$.id' = id::VARCHAR)) FROM read_parquet('{part.TempPath}', file_row_number = true)"));
        Assert.Equal(
            "BIGINT VARCHAR DECIMAL(12,2) JSON",
            FilesTestKit.Scalar<string>($"SELECT concat_ws(' ', typeof(id), typeof(name), typeof(amount), typeof(doc)) FROM read_parquet('{part.TempPath}') LIMIT 1"));
    }

    [Fact]
    public async Task WriteAsync_MaxRowsPerFile_BatchesStraddleParts_EachPartExactAndClosedWhenFull()
    {
        using var kit = new FilesTestKit();
        var names = Names(kit);
        var parts = new List<int>();
        await using (var sink = new ParquetStreamSink(Columns, names, maxRows: 1000, "zstd", "s", kit.Root))
        {
            for (var b = 0; b < 10; b++)
            {
                await sink.WriteAsync(FilesTestKit.Batch(Columns, Rows((b * 700) + 1, (b + 1) * 700)), CancellationToken.None);
                parts.Add(names.Parts.Count);
            }

            await sink.CompleteAsync(emptyPartIfNoRows: false, CancellationToken.None);
        }

        // 7,000 rows end exactly at a part boundary: the seventh part is closed by the last batch, and no empty eighth follows.
        Assert.Equal([0, 1, 2, 2, 3, 4, 4, 5, 6, 7], parts);
        Assert.Equal([1000L, 1000, 1000, 1000, 1000, 1000, 1000], names.Parts.Select(p => p.Rows));
        for (var i = 0; i < names.Parts.Count; i++)
        {
            Assert.Equal(
                $"1000 {(i * 1000) + 1} {(i + 1) * 1000} true",
                FilesTestKit.Scalar<string>($"SELECT concat_ws(' ', count(*), min(id), max(id), bool_and(id = file_row_number + {(i * 1000) + 1} AND name = 'name ' || id)) FROM read_parquet('{names.Parts[i].TempPath}', file_row_number = true)"));
        }
    }

    [Fact]
    public async Task CompleteAsync_NoRowsButEmptyPartWanted_WritesOneEmptyFileWithTheColumns()
    {
        using var kit = new FilesTestKit();
        var names = Names(kit);
        await using (var sink = new ParquetStreamSink(Columns, names, maxRows: 10, "snappy", "s", kit.Root))
        {
            await sink.CompleteAsync(emptyPartIfNoRows: true, CancellationToken.None);
        }

        var part = Assert.Single(names.Parts);
        Assert.Equal(0L, part.Rows);
        Assert.Equal("0 id,name", FilesTestKit.Scalar<string>($"SELECT (SELECT count(*) FROM read_parquet('{part.TempPath}')) || ' ' || (SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM read_parquet('{part.TempPath}')))"));
    }

    [Fact]
    public async Task WriteAsync_ValueTheColumnCannotHold_ThrowsTheColumnErrorAndLeavesNoFile()
    {
        using var kit = new FilesTestKit();
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64, false), new("amount", ColumnType.Decimal(4, 2))];
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "parquet"));
        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await using var writer = await files.OpenWriterAsync(Request("s", columns), CancellationToken.None);
            await writer.WriteAsync(FilesTestKit.Batch(columns, [.. Enumerable.Range(1, 5000).Select(i => new object?[] { (long)i, 1.25m })]), CancellationToken.None);
            await writer.WriteAsync(FilesTestKit.Batch(columns, [[5001L, 1.5m], [5002L, 12345.67m]]), CancellationToken.None);
            await writer.CommitAsync(null, CancellationToken.None);
        });

        Assert.StartsWith("Cannot write column \"amount\" (decimal(4,2)) of stream 's'", error.Message, StringComparison.Ordinal);
        Assert.Empty(kit.Files());
        Assert.Empty(Directory.EnumerateDirectories(kit.Root));
    }

    [Fact]
    public async Task WriteAsync_DuckDbRejectsARowMidStream_ThrowsParquetErrorAndLeavesNoFile()
    {
        using var kit = new FilesTestKit();
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64, false), new("docs", ColumnType.List(ColumnType.Json))];
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "parquet"));
        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await using var writer = await files.OpenWriterAsync(Request("s", columns), CancellationToken.None);
            for (var b = 0; b < 4; b++)
            {
                await writer.WriteAsync(FilesTestKit.Batch(columns, [.. Enumerable.Range((b * 5000) + 1, 5000).Select(i => new object?[] { (long)i, new object?[] { $"{{\"n\":{i}}}" } })]), CancellationToken.None);
            }

            // JSON inside a list is cast to JSON by DuckDB inside the COPY: text that does not parse fails it, after rows
            // went into the file.
            await writer.WriteAsync(FilesTestKit.Batch(columns, [[20_001L, new object?[] { "{not json" }]]), CancellationToken.None);
            await writer.CommitAsync(null, CancellationToken.None);
        });

        Assert.StartsWith("Cannot write Parquet file for stream 's': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("json", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(kit.Files());
        Assert.Empty(Directory.EnumerateDirectories(kit.Root));
    }

    [Fact]
    public async Task WriteAsync_CancelledMidStream_ThrowsOperationCanceledAndLeavesNoFile()
    {
        using var kit = new FilesTestKit();
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root, "parquet"));
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using var writer = await files.OpenWriterAsync(Request("s", Columns), CancellationToken.None);
            await writer.WriteAsync(FilesTestKit.Batch(Columns, Rows(1, 5000)), cancel.Token);
            await cancel.CancelAsync();
            await writer.WriteAsync(FilesTestKit.Batch(Columns, Rows(5001, 6000)), cancel.Token);
        });

        Assert.Empty(kit.Files());
        Assert.Empty(Directory.EnumerateDirectories(kit.Root));
    }

    [Fact]
    public async Task CompleteAsync_Cancelled_ThrowsOperationCanceledAndLeavesNoPart()
    {
        using var kit = new FilesTestKit();
        var names = Names(kit);
        using var cancel = new CancellationTokenSource();
        await using (var sink = new ParquetStreamSink(Columns, names, maxRows: null, "snappy", "s", kit.Root))
        {
            await sink.WriteAsync(FilesTestKit.Batch(Columns, Rows(1, 5000)), CancellationToken.None);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.CompleteAsync(emptyPartIfNoRows: false, cancel.Token));

            // The sink stays failed: later writes do not start a new part.
            await Assert.ThrowsAnyAsync<Exception>(async () => await sink.WriteAsync(FilesTestKit.Batch(Columns, Rows(5001, 5002)), CancellationToken.None));
        }

        Assert.Empty(names.Parts);
        Assert.Empty(Directory.EnumerateFiles(kit.Root, "*.parquet", SearchOption.AllDirectories));
    }

    private static PartNames Names(FilesTestKit kit) =>
        new(new FileNameTemplate("x/part-{part:000}.{ext}"), new FileNameValues("s", null, "sync", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), "parquet"), kit.Root, 1);

    private static WriteRequest Request(string stream, ImmutableArray<ColumnSchema> columns) =>
        new("sync", stream, new StreamId(null, stream), columns, WriteMode.FullRefresh, []);

    private static object?[][] Rows(int from, int to) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new object?[] { (long)i, "name " + i })];
}
