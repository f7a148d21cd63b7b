namespace Nagare.Cli.Tests.Pipelines;

/// <summary>A metadata store that cannot be reached: one line naming it (without its password), exit 1.</summary>
public sealed class StoreErrorTests : IDisposable
{
    private const string Unreachable = "postgresql://nobody:s3cret@127.0.0.1:1/x";

    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-store-error-" + Guid.NewGuid().ToString("N")[..10]);

    public StoreErrorTests()
    {
        Directory.CreateDirectory(Path.Combine(dir, "pipelines"));
        File.WriteAllText(Path.Combine(dir, "nagare.yml"), "name: unreachable\n");
        File.WriteAllText(Path.Combine(dir, "pipelines", "p.yml"), "name: p\nsteps:\n  - command: [sh, -c, \"true\"]\n");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("runs", "list")]
    [InlineData("pipeline", "run", "p")]
    [InlineData("pipeline", "list")]
    [InlineData("backfill", "p", "--from", "2026-11-01", "--to", "2026-11-02")]
    [InlineData("worker")]
    public async Task Command_PostgresStoreNotListening_OneLineNamingTheStoreWithoutPassword(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "--project", dir, "--store", Unreachable]);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: Cannot use the metadata store postgresql://127.0.0.1:1/x: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", run.Error + run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsList_StoreUrlThatIsNotAUrl_ExitsOneWithoutThePassword()
    {
        var run = await CliRun.RunAsync("runs", "list", "--project", dir, "--store", "postgresql://nobody:s3cret@/x");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", run.Error, StringComparison.Ordinal);
    }
}
