using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Files;

public sealed class FilesRejectTests
{
    private const string Csv =
        "id,name,amount\n" +
        "1,a,1.5\n" +
        "2,b,x\n" +
        "3,\"c,d\",2.5\n" +
        "4,e\n" +
        "5,f,3.0,extra\n" +
        "6,g,4\n";

    [Fact]
    public async Task ReadAsync_CsvFilesWithAColumnAddedLater_MatchedByNameAndRejectsKeepTheirFileAndLine()
    {
        using var kit = new FilesTestKit();
        kit.Write("in/2024-01.csv", "id,amount\n1,1.5\n2,x\n");
        kit.Write("in/2024-02.csv.gz", "id,amount,currency\n3,2.5,JPY\n4,3.5\n5,4.5,USD\n", gzip: true);
        kit.Write("in/2024-03.csv", "currency,id,amount\nEUR,6,5.5\n");
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "in");
        var rejected = new List<RejectedRow>();

        var typed = new Core.Connectors.ReadRequest(stream, [stream.Columns[0], stream.Columns[1] with { Type = Core.Types.ColumnType.Float64 }, stream.Columns[2]]);
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(typed, OnError.Quarantine, r =>
        {
            rejected.Add(r);
            return ValueTask.CompletedTask;
        }, CancellationToken.None));

        Assert.Equal(["id", "amount", "currency"], stream.Columns.Take(3).Select(c => c.Name));
        Assert.Equal(["1|1.5|", "3|2.5|JPY", "5|4.5|USD", "6|5.5|EUR"],
            rows.Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))).Order(StringComparer.Ordinal));
        Assert.Equal(["in/2024-01.csv:3", "in/2024-02.csv.gz:3"], rejected.Select(r => $"{r.File}:{r.Line}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_MalformedCsvOnErrorFail_ThrowsNamingFileLineColumnAndReason()
    {
        using var kit = new FilesTestKit();
        kit.Write("in/sales.csv", Csv.Replace("2,b,x\n", "", StringComparison.Ordinal));
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "in");

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            FilesTestKit.ReadAllAsync(files.ReadAsync(new Core.Connectors.ReadRequest(stream, []), CancellationToken.None)));

        Assert.Equal("in", error.Stream);
        Assert.Contains("file 'in/sales.csv', line 4, column 'amount'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected Number of Columns: 3 Found: 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MalformedCsvOnErrorQuarantine_GoodRowsFlowAndRejectsHaveExactLines()
    {
        using var kit = new FilesTestKit();
        kit.Write("sales.csv", Csv);
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "sales");
        var typed = new Core.Connectors.ReadRequest(stream, [stream.Columns[0], stream.Columns[1], stream.Columns[2] with { Type = Core.Types.ColumnType.Float64 }]);
        var rejected = new List<RejectedRow>();

        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(typed, OnError.Quarantine, r =>
        {
            rejected.Add(r);
            return ValueTask.CompletedTask;
        }, CancellationToken.None));

        Assert.Equal([1L, 3L, 6L], rows.Select(r => (long)r[0]!).Order());
        Assert.Equal([3L, 5L, 6L], rejected.Select(r => r.Line));
        Assert.All(rejected, r => Assert.Equal(("sales", "sales.csv"), (r.Stream, r.File)));
        Assert.Equal(["amount", "amount", null], rejected.Select(r => r.Column));
        Assert.StartsWith("CAST: ", rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("Could not convert string \"x\" to 'DOUBLE'", rejected[0].Reason, StringComparison.Ordinal);
        Assert.Equal("MISSING COLUMNS: Expected Number of Columns: 3 Found: 2", rejected[1].Reason);
        Assert.Equal("TOO MANY COLUMNS: Expected Number of Columns: 3 Found: 4", rejected[2].Reason);
        Assert.Equal(["2,b,x", "4,e", "5,f,3.0,extra"], rejected.Select(r => r.RawRow));
    }

    [Fact]
    public async Task ReadAsync_MalformedNdjsonOnErrorSkip_KeepsRowsAroundTheBadLine()
    {
        using var kit = new FilesTestKit();
        kit.Write("clicks.ndjson", "{\"id\":1}\n{\"id\":2,\n{\"id\":3}\n[4]\n{\"id\":5}\n");
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "clicks");
        var rejected = new List<RejectedRow>();

        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new Core.Connectors.ReadRequest(stream, [stream.Columns[0]]), OnError.Skip, r =>
        {
            rejected.Add(r);
            return ValueTask.CompletedTask;
        }, CancellationToken.None));

        Assert.Equal([1L, 3L, 5L], rows.Select(r => (long)r[0]!).Order());
        Assert.Equal([2L, 4L], rejected.Select(r => r.Line));
        Assert.Equal(["{\"id\":2,", "[4]"], rejected.Select(r => r.RawRow));
        Assert.StartsWith("Malformed JSON", rejected[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("Not a JSON object", rejected[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MalformedNdjsonOnErrorFail_ThrowsBeforeAnyBatch()
    {
        using var kit = new FilesTestKit();
        kit.Write("clicks.ndjson", "{\"id\":1}\n{\"id\":2}\n");
        await using var files = kit.Connection();
        var stream = await FilesTestKit.StreamAsync(files, "clicks");
        kit.Write("clicks.ndjson", "{\"id\":1}\n{\"id\":2}\n{\"id\":\n");
        var batches = 0;

        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var batch in files.ReadAsync(new Core.Connectors.ReadRequest(stream, [stream.Columns[0]]), CancellationToken.None))
            {
                batches++;
            }
        });

        Assert.Equal(0, batches);
        Assert.Contains("file 'clicks.ndjson', line 3", error.Message, StringComparison.Ordinal);
    }
}
