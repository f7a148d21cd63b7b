using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

public sealed class GeneratedFileWriterTests : IDisposable
{
    private readonly GenerationFiles _files = new GenerationFiles().CopyExample();

    public void Dispose() => _files.Dispose();

    private GenerateOptions Options => new(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules"));

    [Fact]
    public async Task RunAsync_SecondRun_ChangesNothing()
    {
        var (first, _) = await _files.RunAsync(Options);
        var before = _files.Files("models/dwh").ToDictionary(p => p, p => File.ReadAllBytes(_files.PathOf("models/dwh/" + p)));
        var stamps = before.Keys.ToDictionary(p => p, p => File.GetLastWriteTimeUtc(_files.PathOf("models/dwh/" + p)));

        var (second, _) = await _files.RunAsync(Options);

        Assert.Equal(14, first.Created.Length);
        Assert.Empty(second.Created);
        Assert.Empty(second.Changed);
        Assert.Empty(second.Stale);
        Assert.Equal(14, second.Unchanged.Length);
        foreach (var (path, bytes) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(_files.PathOf("models/dwh/" + path)));
            Assert.Equal(stamps[path], File.GetLastWriteTimeUtc(_files.PathOf("models/dwh/" + path)));
        }
    }

    [Fact]
    public async Task RunAsync_RuleSheetEdited_OnlyAffectedFilesChange()
    {
        await _files.RunAsync(Options);
        _files.Write("rules/partitioning.csv", "table,column,granularity\nlake_app.orders,ordered_at,year\nlake_logs.*,logged_at,day\n");

        var (summary, _) = await _files.RunAsync(Options);

        Assert.Equal(["lake_app/lake_app__orders.sql"], summary.Changed.ToArray());
        Assert.Contains("partition_by={'field': 'ordered_at', 'granularity': 'year'}", _files.Read("models/dwh/lake_app/lake_app__orders.sql"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TableGoneFromCatalog_ReportedStaleThenRemovedWithPrune()
    {
        await _files.RunAsync(Options);
        _files.Write("models/dwh/lake_logs/handwritten.sql", "select 1\n");
        var catalog = File.ReadAllLines(_files.PathOf("catalog.csv")).Where(l => !l.StartsWith("lake_logs,", StringComparison.Ordinal));
        File.WriteAllLines(_files.PathOf("catalog.csv"), catalog);
        string[] gone =
        [
            "lake_logs/_lake_logs__sources.yml", "lake_logs/lake_logs__access_logs.sql", "lake_logs/lake_logs__access_logs.yml",
            "lake_logs_secret/lake_logs_secret__access_logs.sql", "lake_logs_secret/lake_logs_secret__access_logs.yml",
        ];

        var (kept, _) = await _files.RunAsync(Options);
        Assert.Equal(gone, kept.Stale.ToArray());
        Assert.Empty(kept.Removed);
        Assert.True(File.Exists(_files.PathOf("models/dwh/lake_logs/lake_logs__access_logs.sql")));
        Assert.Contains("rules/partitioning.csv:3: the rule matched no table or column", kept.Warnings);

        var (pruned, _) = await _files.RunAsync(Options with { Prune = true });
        Assert.Equal(gone, pruned.Removed.ToArray());
        Assert.Empty(pruned.Stale);
        Assert.False(File.Exists(_files.PathOf("models/dwh/lake_logs/lake_logs__access_logs.sql")));
        Assert.False(Directory.Exists(_files.PathOf("models/dwh/lake_logs_secret")));
        Assert.Equal("select 1\n", _files.Read("models/dwh/lake_logs/handwritten.sql"));
    }

    [Fact]
    public async Task RunAsync_DryRun_WritesNothing()
    {
        var (summary, _) = await _files.RunAsync(Options with { DryRun = true });

        Assert.True(summary.DryRun);
        Assert.Equal(14, summary.Created.Length);
        Assert.False(Directory.Exists(_files.PathOf("models/dwh")));
    }

    [Fact]
    public async Task RunAsync_Select_GeneratesOnlyMatchingTablesAndLeavesOthersAlone()
    {
        await _files.RunAsync(Options);
        File.Delete(_files.PathOf("models/dwh/lake_app/lake_app__orders.sql"));
        _files.Write("models/dwh/lake_logs/lake_logs__old.sql", "-- " + GeneratedHeader.Marker + "lake_logs.old with catalog.csv; edit those and re-run instead of this file.\nselect 1\n");

        var (summary, _) = await _files.RunAsync(Options with { Select = "lake_app.orders", Prune = true });

        Assert.Equal(1, summary.Tables);
        Assert.Equal(["lake_app/lake_app__orders.sql"], summary.Created.ToArray());
        Assert.Equal(["lake_app/_lake_app__sources.yml", "lake_app/lake_app__orders.yml"], summary.Unchanged.ToArray());
        Assert.Empty(summary.Removed);
        Assert.True(File.Exists(_files.PathOf("models/dwh/lake_logs/lake_logs__old.sql")));

        var (all, _) = await _files.RunAsync(Options with { Prune = true });
        Assert.Equal(["lake_logs/lake_logs__old.sql"], all.Removed.ToArray());
    }
}
