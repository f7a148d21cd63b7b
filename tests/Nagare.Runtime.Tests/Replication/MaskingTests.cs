using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Replication;

public sealed class MaskingTests
{
    [Fact]
    public void Hash_Sha256OfKnownText_IsKnownHex() =>
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Masking.Hash("hello", MaskKind.Sha256, null));

    [Fact]
    public void Hash_HmacOfKnownText_IsKnownHex() =>
        Assert.Equal(
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            Masking.Hash("The quick brown fox jumps over the lazy dog", MaskKind.Hmac, "key"u8.ToArray()));

    [Fact]
    public void Hash_UnicodeText_HashesUtf8Bytes() =>
        Assert.Equal("9f6e121f36d2651780570cae44f282a364cf787eab1eb6c994a398271a85a678", Masking.Hash("流れ", MaskKind.Sha256, null));

    [Fact]
    public void Apply_NumbersAndNulls_HashesInvariantTextAndKeepsNulls()
    {
        var batch = new ColumnBatch([new ColumnSchema("n", ColumnType.Int64)], 4);
        var output = new ColumnBatch([new ColumnSchema("n", ColumnType.String)], 4);
        batch.Column<long>(0).Set(0, 42);
        batch.Column<long>(0).SetNull(1);
        batch.Column<long>(0).Set(2, 1234567890123);

        Masking.Apply(batch.Columns[0], output.Column<string?>(0), 3, MaskKind.Sha256, null);

        Assert.Equal(Masking.Hash("42", MaskKind.Sha256, null), output.Column<string?>(0).Values[0]);
        Assert.True(output.Columns[0].Nulls[1]);
        Assert.Equal(Masking.Hash("1234567890123", MaskKind.Sha256, null), output.Column<string?>(0).Values[2]);
    }

    [Fact]
    public void Apply_TimestampTz_HashesCanonicalText()
    {
        var batch = new ColumnBatch([new ColumnSchema("at", ColumnType.TimestampTz)], 1);
        var output = new ColumnBatch([new ColumnSchema("at", ColumnType.String)], 1);
        batch.Column<DateTimeOffset>(0).Set(0, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Masking.Apply(batch.Columns[0], output.Column<string?>(0), 1, MaskKind.Sha256, null);

        Assert.Equal(Masking.Hash("2024-01-02T03:04:05Z", MaskKind.Sha256, null), output.Column<string?>(0).Values[0]);
    }
}
