namespace Nagare.Cli.Tests;

/// <summary>Every JSON file and output keeps text in any script readable instead of \u-escaping it.</summary>
public sealed class JsonOutputTests : IDisposable
{
    private const string Description = "顧客の一覧 🎉 \"quoted\"";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-json-" + Guid.NewGuid().ToString("N"));

    public JsonOutputTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllText(Path.Combine(_dir, "nagare.yml"), "name: shop\nwarehouse: warehouse.duckdb\n");
        File.WriteAllText(Path.Combine(_dir, "models", "customers.sql"), "{{ config(materialized='table', tags=['顧客']) }}\nselect 1 as \"顧客名\"");
        File.WriteAllText(Path.Combine(_dir, "models", "schema.yml"), $$"""
            version: 2
            models:
              - name: customers
                description: '{{Description}}'
                columns:
                  - name: 顧客名
                    description: 名前
            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ManifestLineageAndLsJson_JapaneseText_StaysUnescaped()
    {
        var build = await CliRun.RunAsync("build", "--project", _dir);
        var docs = await CliRun.RunAsync("docs", "--project", _dir);
        var ls = await CliRun.RunAsync("ls", "--project", _dir, "--output", "json");

        Assert.True(build.ExitCode == 0 && docs.ExitCode == 0 && ls.ExitCode == 0, build.Out + build.Error + docs.Error + ls.Error);
        var manifest = File.ReadAllText(Path.Combine(_dir, "target", "manifest.json"));
        var lineage = File.ReadAllText(Path.Combine(_dir, "target", "lineage.json"));
        var catalog = File.ReadAllText(Path.Combine(_dir, "target", "catalog.json"));
        Assert.Contains("\"顧客の一覧 🎉 \\\"quoted\\\"\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"顧客名\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"顧客の一覧 🎉 \\\"quoted\\\"\"", lineage, StringComparison.Ordinal);
        Assert.Contains("\"名前\"", lineage, StringComparison.Ordinal);
        Assert.Contains("\"顧客名\"", catalog, StringComparison.Ordinal);
        Assert.Contains("\"tags\":[\"顧客\"]", ls.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", manifest + lineage + catalog + ls.Out, StringComparison.Ordinal);
    }
}
