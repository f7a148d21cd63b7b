using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Compliance;

public sealed class ColumnBatchCopyTests
{
    [Fact]
    public void Copy_SourceRefilledAfterwards_KeepsValuesNullsUtf8TextAndBytes()
    {
        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64), new("name", ColumnType.String), new("data", ColumnType.Bytes)];
        var batch = new ColumnBatch(columns, 16) { Origin = "s.t", FirstRowNumber = 41 };
        batch.Column<long>(0).Set(0, 7);
        batch.Column<long>(0).SetNull(1);
        var text = batch.Column<string?>(1).BeginUtf8();
        text.Set(0, "ナガレ"u8);
        text.SetEmpty(1);
        batch.Column<string?>(1).Nulls[1] = true;
        var bytes = new byte[] { 1, 2, 3 };
        batch.Column<byte[]?>(2).Set(0, bytes);
        batch.Column<byte[]?>(2).SetNull(1);
        batch.RowCount = 2;

        var copy = batch.Copy();
        batch.Reset();
        batch.Column<long>(0).Set(0, 99);
        batch.Column<string?>(1).BeginUtf8().Set(0, "other"u8);
        bytes[0] = 42;

        Assert.Equal((2, 2, "s.t", 41L), (copy.RowCount, copy.Capacity, copy.Origin, copy.FirstRowNumber));
        Assert.Equal(7L, copy.Column<long>(0).Values[0]);
        Assert.True(copy.Column<long>(0).Nulls[1]);
        Assert.Equal("ナガレ"u8.ToArray(), copy.Column<string?>(1).Utf8![0].ToArray());
        Assert.Equal(["ナガレ", null], copy.Column<string?>(1).Values.Take(2));
        Assert.Equal(new byte[] { 1, 2, 3 }, copy.Column<byte[]?>(2).Values[0]);
        Assert.True(copy.Column<byte[]?>(2).Nulls[1]);
    }
}
