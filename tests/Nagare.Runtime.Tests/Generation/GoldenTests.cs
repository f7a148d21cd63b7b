using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

/// <summary>
/// The shipped example (every rule kind) generates exactly the committed files under Golden/.
/// Set NAGARE_UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
/// </summary>
public sealed class GoldenTests : IDisposable
{
    private readonly GenerationFiles _files = new GenerationFiles().CopyExample();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Generate_ExampleProject_MatchesGoldenFiles()
    {
        var options = new GenerateOptions(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules"));
        var (summary, output) = await _files.RunAsync(options);

        Assert.Equal("models/dwh", output);
        Assert.Equal(4, summary.Tables);
        Assert.Empty(summary.Warnings);
        AssertGolden("dwh", "models/dwh");
    }

    [Fact]
    public async Task Generate_CompanyFile_MatchesGoldenFiles()
    {
        var options = new GenerateOptions(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules"), CompanyFile: _files.PathOf("companies/hamee.yml"));
        var (summary, output) = await _files.RunAsync(options);

        Assert.Equal("models/mart/public_hamee", output);
        Assert.Equal(2, summary.Tables);
        Assert.Equal(["public_hamee__order_items.sql", "public_hamee__order_items.yml", "public_hamee__orders.sql", "public_hamee__orders.yml"], summary.Created.ToArray());
        AssertGolden("company", "models/mart/public_hamee");
    }

    private void AssertGolden(string goldenFolder, string outputFolder)
    {
        var expectedRoot = Path.Combine(GenerationFiles.Golden, goldenFolder);
        var actual = _files.Files(outputFolder);
        if (Environment.GetEnvironmentVariable("NAGARE_UPDATE_GOLDEN") == "1")
        {
            if (Directory.Exists(expectedRoot))
            {
                Directory.Delete(expectedRoot, recursive: true);
            }

            foreach (var path in actual)
            {
                var target = Path.Combine(expectedRoot, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(_files.PathOf(Path.Combine(outputFolder, path)), target);
            }
        }

        var expected = Directory.EnumerateFiles(expectedRoot, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(expectedRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, actual);
        foreach (var path in expected)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(expectedRoot, path)), _files.Read(Path.Combine(outputFolder, path)));
        }
    }
}
