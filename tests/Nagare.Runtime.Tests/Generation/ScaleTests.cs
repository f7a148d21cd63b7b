using System.Globalization;
using System.Text;
using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

public sealed class ScaleTests : IDisposable
{
    private readonly GenerationFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task RunAsync_FiveThousandTables_WritesEveryFile()
    {
        var catalog = new StringBuilder("table_schema,table_name,column_name,ordinal_position,data_type\n");
        for (var t = 0; t < 5_000; t++)
        {
            var schema = "lake_shard" + (t % 24).ToString("00", CultureInfo.InvariantCulture);
            var table = "t" + t.ToString("00000", CultureInfo.InvariantCulture);
            catalog.Append(CultureInfo.InvariantCulture, $"{schema},{table},id,1,BIGINT\n{schema},{table},email,2,VARCHAR\n{schema},{table},ymd,3,VARCHAR\n{schema},{table},updated_at,4,TIMESTAMP\n");
        }

        _files.Write("catalog.csv", catalog.ToString());
        _files.Write("rules/casting.csv", "table,column,to_type,format\n*,ymd,DATE,yyyymmdd\n");
        _files.Write("rules/timezone.csv", "table,column\n*,*_at\n");
        _files.Write("rules/masking.csv", "table,column\nlake_shard0[0-4].*,email\n");
        _files.Write("rules/dedup.csv", "table,key,order_by\n*,id,updated_at\n");
        var options = new GenerateOptions(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules"));
        var reported = new List<(int Done, int Total)>();

        var (summary, _) = await ProjectGenerator.RunAsync(options, TimeProvider.System, new Collect(reported), CancellationToken.None);

        // 5,000 models and YAMLs, secret twins for shards 00-04 (5 × 209 or 208 tables), one sources file per shard.
        var masked = Enumerable.Range(0, 5_000).Count(t => t % 24 < 5);
        Assert.Equal(5_000, summary.Tables);
        Assert.Equal((2 * 5_000) + (2 * masked) + 24, summary.Created.Length);
        Assert.Equal(summary.Created.Length, _files.Files("models/dwh").Count);
        Assert.Equal((5_000, 5_000), reported[^1]);
        Assert.Contains("qualify row_number() over (", _files.Read("models/dwh/lake_shard07/lake_shard07__t04999.sql"), StringComparison.Ordinal);
    }

    private sealed class Collect(List<(int, int)> into) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }
}
