using System.Collections.Immutable;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

/// <summary>CSV reading options that replace DuckDB's type guess: all_varchar, date_format, timestamp_format.</summary>
public sealed class FilesCsvOptionsTests
{
    [Fact]
    public async Task ReadAsync_AllVarchar_ReadsEveryColumnAsWritten()
    {
        using var kit = new FilesTestKit();
        kit.Write("codes.csv", "zip,day,amount\n0123,2024-01-02,1.50\n");
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { AllVarchar = true });

        var stream = await FilesTestKit.StreamAsync(files, "codes");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(3)]), CancellationToken.None));

        Assert.All(stream.Columns.Take(3), c => Assert.Equal(ColumnType.String, c.Type));
        Assert.Equal([["0123", "2024-01-02", "1.50"]], rows);
    }

    [Fact]
    public async Task ReadAsync_AllVarcharWithRequestedType_ReadsThatColumnAsRequested()
    {
        using var kit = new FilesTestKit();
        kit.Write("codes.csv", "zip,amount\n0123,1.50\n");
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { AllVarchar = true });
        var stream = await FilesTestKit.StreamAsync(files, "codes");

        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(
            new ReadRequest(stream, ImmutableArray.Create(stream.Columns[0], stream.Columns[1] with { Type = ColumnType.Decimal(10, 2) })), CancellationToken.None));

        Assert.Equal([["0123", new DecimalValue(150, 2)]], rows);
    }

    [Fact]
    public async Task ReadAsync_DateAndTimestampFormats_ParseValuesDuckDbWouldNotGuess()
    {
        using var kit = new FilesTestKit();
        kit.Write("visits.csv", "day,at\n01/02/2024,2024年03月04日 05時06分07秒\n03/04/2024,2024年12月31日 23時59分58秒\n");
        await using var files = kit.Connection(new FilesConnectorOptions(kit.Root) { DateFormat = "%d/%m/%Y", TimestampFormat = "%Y年%m月%d日 %H時%M分%S秒" });

        var stream = await FilesTestKit.StreamAsync(files, "visits");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(stream, [.. stream.Columns.Take(2)]), CancellationToken.None));

        Assert.Equal([ColumnType.Date, ColumnType.Timestamp], stream.Columns.Take(2).Select(c => c.Type));
        Assert.Equal(
            [[new DateOnly(2024, 2, 1), new DateTime(2024, 3, 4, 5, 6, 7)], [new DateOnly(2024, 4, 3), new DateTime(2024, 12, 31, 23, 59, 58)]],
            rows);
    }
}
