namespace Nagare.Cli.Tests.Pipelines;

/// <summary>
/// Runs the CLI in-process on the real clock: needed beside real <c>nagare serve</c> and <c>nagare worker</c>
/// processes, whose leases are in real time.
/// </summary>
internal static class RealClockCli
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await NagareCli.RunAsync(args, stdout, stderr, TimeProvider.System);
        return new CliRun(code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }
}
