using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Nagare.DuckDb.Native;

namespace Nagare.Cli;

/// <summary>
/// <c>--version</c>: Nagare's own version (not the host process's) and the DuckDB library in use.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version
    {
        get
        {
            var informational = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informational : informational[..plus];
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine(Version);
        try
        {
            output.WriteLine($"DuckDB {DuckDbLibrary.Version} ({DuckDbLibrary.LoadedPath})");
        }
        catch (DuckDbLibraryException e)
        {
            output.WriteLine($"DuckDB: {e.Message}");
        }

        return ExitCodes.Success;
    }
}
