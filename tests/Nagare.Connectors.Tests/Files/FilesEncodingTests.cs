using System.IO.Compression;
using System.Text;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

/// <summary>Files in encodings DuckDB cannot read (Japanese code pages), transcoded to UTF-8 on the way in.</summary>
public sealed class FilesEncodingTests
{
    // ㈱ and ① exist only in CP932 (NEC special characters), ｶﾅ is half-width katakana (one byte each in Shift_JIS).
    private const string Orders = "顧客,金額\n山田㈱,1000\nｶﾅ商店①,2000\n";

    private static readonly Encoding Cp932 = CodePagesEncodingProvider.Instance.GetEncoding(932)!;

    private static readonly Encoding EucJp = CodePagesEncodingProvider.Instance.GetEncoding(51932)!;

    [Theory]
    [InlineData("shift_jis")]
    [InlineData("Shift_JIS")]
    [InlineData("cp932")]
    [InlineData("windows-31j")]
    [InlineData("sjis")]
    public async Task ReadAsync_ShiftJisCsv_ReadsJapaneseNamesAndValues(string encoding)
    {
        using var kit = new FilesTestKit();
        WriteBytes(kit, "orders.csv", Cp932.GetBytes(Orders));
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { Encoding = encoding });

        var stream = await FilesTestKit.StreamAsync(files, "orders");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(2)]), CancellationToken.None));

        Assert.Equal(["顧客", "金額", "_file", "_file_modified"], stream.Columns.Select(c => c.Name));
        Assert.Equal(ColumnType.Int64, stream.Columns[1].Type);
        Assert.Equal([["山田㈱", 1000L], ["ｶﾅ商店①", 2000L]], rows);
    }

    [Fact]
    public async Task ReadAsync_ShiftJisGzipTsv_DecompressesThenTranscodes()
    {
        using var kit = new FilesTestKit();
        using (var file = File.Create(Path.Combine(kit.Root, "orders.tsv.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(Cp932.GetBytes(Orders.Replace(',', '\t')));
        }

        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { Encoding = "shift_jis" });

        var stream = await FilesTestKit.StreamAsync(files, "orders");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns]), CancellationToken.None));

        Assert.Equal([["山田㈱", 1000L, "orders.tsv.gz"], ["ｶﾅ商店①", 2000L, "orders.tsv.gz"]], rows.Select(r => r[..3]));
    }

    [Fact]
    public async Task ReadAsync_EucJpNdjson_ReadsJapaneseKeysAndValues()
    {
        using var kit = new FilesTestKit();
        WriteBytes(kit, "events.ndjson", EucJp.GetBytes("{\"名前\": \"山田ｶﾅ\", \"数\": 1}\n{\"名前\": \"髪型\", \"数\": 2}\n"));
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { Encoding = "euc-jp" });

        var stream = await FilesTestKit.StreamAsync(files, "events");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(2)]), CancellationToken.None));

        Assert.Equal(["名前", "数"], stream.Columns.Take(2).Select(c => c.Name));
        Assert.Equal([["山田ｶﾅ", 1L], ["髪型", 2L]], rows);
    }

    [Fact]
    public async Task ReadAsync_Latin1Csv_StillReadByDuckDb()
    {
        using var kit = new FilesTestKit();
        WriteBytes(kit, "cafes.csv", Encoding.Latin1.GetBytes("name,n\nCafé Zürich,1\n"));
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { Encoding = "latin-1" });

        var stream = await FilesTestKit.StreamAsync(files, "cafes");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(2)]), CancellationToken.None));

        Assert.Equal([["Café Zürich", 1L]], rows);
    }

    [Fact]
    public async Task ReadAsync_BytesNotShiftJis_FailsNamingFileAndLineAndLeavesNoCopy()
    {
        using var kit = new FilesTestKit();
        var name = "bad_" + Guid.NewGuid().ToString("N")[..8];
        var good = Cp932.GetBytes("顧客,金額\n山田,1\n佐藤,2\n");
        WriteBytes(kit, name + ".csv", good);
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { Encoding = "shift_jis" });
        var stream = await FilesTestKit.StreamAsync(files, name);
        // Replaced after discovery: 0x82 starts a two-byte character, and a line feed cannot end it.
        WriteBytes(kit, name + ".csv", [.. good, .. Cp932.GetBytes("鈴木"), 0x82, .. "\n"u8, .. Cp932.GetBytes("高橋,4\n")]);

        var error = await Assert.ThrowsAsync<ConnectorException>(() => FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, []), CancellationToken.None)));

        Assert.Equal($"File '{name}.csv' is not shift_jis text: line 4 holds bytes that are not a character in shift_jis.", error.Message);
        Assert.Equal("files_test", error.Connection);
        // Copies are made in a fresh folder under the temporary directory, named N-<file name>.
        var anywhere = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true };
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), "*-" + name + ".csv", anywhere));
    }

    [Fact]
    public async Task DiscoverAsync_BytesNotEucJp_FailsNamingFileAndLine()
    {
        using var kit = new FilesTestKit();
        WriteBytes(kit, "names.csv", [.. EucJp.GetBytes("名前\n山田\n"), 0xA4, 0x0A]);
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { Encoding = "euc-jp" });

        var error = await Assert.ThrowsAsync<ConnectorException>(() => FilesTestKit.StreamAsync(files, "names"));

        Assert.Equal("File 'names.csv' is not euc-jp text: line 3 holds bytes that are not a character in euc-jp.", error.Message);
    }

    [Fact]
    public void Constructor_UnknownEncoding_ThrowsNamingItAndTheSupportedOnes()
    {
        var error = Assert.Throws<ConnectorException>(() => new FilesConnection("f", new FilesConnectorOptions("/tmp") { Encoding = "klingon" }));

        Assert.Equal(
            "Connection 'f': unknown encoding 'klingon'. Supported: utf-8 (utf8), utf-16 (utf16, utf-16le), latin-1 (latin1, iso-8859-1), " +
            "shift_jis (shift-jis, sjis, cp932, windows-31j, ms932), euc-jp (eucjp).",
            error.Message);
    }

    private static void WriteBytes(FilesTestKit kit, string relative, byte[] bytes) => File.WriteAllBytes(Path.Combine(kit.Root, relative), bytes);
}
