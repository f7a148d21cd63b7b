namespace Nagare.Cli.Tests;

/// <summary>Where <c>nagare build</c> says a model's SQL is wrong: on stderr, at a line of the model file.</summary>
public sealed class BuildErrorLocationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-cli-errloc-" + Guid.NewGuid().ToString("N")[..12]);

    public BuildErrorLocationTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllText(Path.Combine(_dir, "nagare.yml"), "name: shop\n");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left behind in /tmp is harmless.
        }
    }

    [Fact]
    public async Task Build_SyntaxErrorAfterConfigLine_ReportsModelFileLineOnStderr()
    {
        File.WriteAllText(Path.Combine(_dir, "models", "x.sql"), "{{ config(materialized='table') }}\nselect\n    1 as a,\n    2 as b frum nowhere where\n");

        var run = await CliRun.RunAsync("build", "--project", _dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("ERROR x: models/x.sql:4: Parser Error:", run.Error, StringComparison.Ordinal);
        Assert.Contains("LINE 4:", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR x", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ErrorOnLineJinjaRewrote_NamesCompiledSqlLine()
    {
        File.WriteAllText(Path.Combine(_dir, "models", "y.sql"), "{% for i in [1, 2] %}\nselect {{ i }} as n union all\n{% endfor %}\nselect 3 as n frum nowhere where\n");

        var run = await CliRun.RunAsync("build", "--project", _dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("ERROR y: models/y.sql:4: Parser Error:", run.Error, StringComparison.Ordinal);
    }
}
