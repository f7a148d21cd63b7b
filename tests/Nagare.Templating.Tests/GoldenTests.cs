using System.Text;
using System.Text.Json;

namespace Nagare.Templating.Tests;

/// <summary>
/// Renders each Golden/*.jinja case and compares it byte for byte with the output Jinja2 produced
/// (Golden/generate.py, dbt's configuration). Contexts come from the optional .json next to the case.
/// </summary>
public sealed class GoldenTests
{
    private static readonly string GoldenDirectory = Path.Combine(AppContext.BaseDirectory, "Golden");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(GoldenDirectory, "*.jinja").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Fact]
    public void Cases_Directory_HoldsAtLeast150Cases()
    {
        Assert.True(Cases().Count >= 150, $"only {Cases().Count} golden cases found in {GoldenDirectory}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_GoldenCase_MatchesJinja2Output(string name)
    {
        var source = File.ReadAllText(Path.Combine(GoldenDirectory, name + ".jinja"), Encoding.UTF8);
        var expected = File.ReadAllText(Path.Combine(GoldenDirectory, name + ".expected"), Encoding.UTF8);
        var contextFile = Path.Combine(GoldenDirectory, name + ".json");
        var context = File.Exists(contextFile) ? JsonContext.Load(File.ReadAllText(contextFile, Encoding.UTF8)) : null;

        var environment = new TemplateEnvironment();
        var actual = environment.Parse(source, name + ".jinja").Render(context);

        Assert.Equal(expected, actual);
    }
}
