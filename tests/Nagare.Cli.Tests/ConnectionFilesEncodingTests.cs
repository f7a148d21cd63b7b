namespace Nagare.Cli.Tests;

/// <summary>The files connector's <c>encoding</c> key is checked when the connection is made, not during a read.</summary>
public sealed class ConnectionFilesEncodingTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-files-encoding-" + Guid.NewGuid().ToString("N")[..10]);

    public ConnectionFilesEncodingTests()
    {
        Write("nagare.yml", "name: enc\n");
        Write("drop/orders.csv", "id\n1\n");
    }

    [Fact]
    public async Task Test_UnknownEncoding_FailsNamingItTheKeyAndTheSupportedOnes()
    {
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nencoding: shift-jisx\n");

        var run = await CliRun.RunAsync("connection", "test", "drop", "--project", dir);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("drop.yml:4", run.Error, StringComparison.Ordinal);
        Assert.Contains("encoding: unknown encoding 'shift-jisx'. Supported: utf-8 (utf8), utf-16", run.Error, StringComparison.Ordinal);
        Assert.Contains("shift_jis (shift-jis, sjis, cp932, windows-31j, ms932), euc-jp (eucjp).", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_ShiftJisEncoding_Passes()
    {
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nencoding: cp932\n");

        var run = await CliRun.RunAsync("connection", "test", "drop", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
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
        File.WriteAllText(path, text);
    }
}
