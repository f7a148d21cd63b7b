using Nagare.DuckDb;

namespace Nagare.Cli.Tests;

/// <summary><c>on_error: quarantine</c> from a CSV file into the warehouse, through the CLI.</summary>
public sealed class SyncQuarantineTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-quarantine-" + Guid.NewGuid().ToString("N")[..10]);

    public SyncQuarantineTests()
    {
        Write("nagare.yml", "name: quarantine\n");
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  sales: sales.csv\n");
        Write("syncs/sales.yml", "name: sales\nsource: drop\ntarget_schema: lake\non_error: quarantine\nstreams:\n  - select: sales\n");
        Write("drop/sales.csv", """
            id,item,amount
            1,apple,1.50
            2,pear,2.50
            3,plum
            4,fig,4.00
            5,kiwi,5.00
            6,lime,6.00,surplus
            7,date,7.00
            8,yuzu,8.00
            9,sloe,9.00

            """);
    }

    [Fact]
    public async Task Sync_CsvWithTwoMalformedLines_LoadsGoodRowsAndQuarantinesBadOnesWithLineNumbers()
    {
        var run = await CliRun.RunAsync("sync", "sales", "--project", dir, "--json");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("\"rows_rejected\": 2", run.Out, StringComparison.Ordinal);
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = Path.Combine(dir, ".nagare", "warehouse.duckdb") }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT string_agg(id::VARCHAR, ',' ORDER BY id), sum(amount)::DOUBLE FROM lake.sales";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(("1,2,4,5,7,8,9", 37.0), (reader.GetString(0), reader.GetDouble(1)));
        }

        // row is the line in the file, header included; stream names the table the rows were meant for.
        command.CommandText = "SELECT sync, stream, file, row::BIGINT, raw FROM lake._rejected WHERE reason <> '' ORDER BY row";
        var rejected = new List<(string, string, string, long, string)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rejected.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
            }
        }

        Assert.Equal(
            [("sales", "lake.sales", "sales.csv", 4L, "3,plum"), ("sales", "lake.sales", "sales.csv", 7L, "6,lime,6.00,surplus")],
            rejected);
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
    }
}
