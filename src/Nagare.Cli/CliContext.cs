using System.CommandLine;
using Spectre.Console;

namespace Nagare.Cli;

/// <summary>What every command needs from its host: where to write and what time it is.</summary>
/// <param name="Console">Rich output (tables, progress) on standard output.</param>
/// <param name="Out">Plain standard output, for machine-readable formats.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Time">The clock.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error, TimeProvider Time)
{
    /// <summary><c>--verbose</c>, accepted by every command: a line per finished step even in a terminal.</summary>
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Print a line per finished stream or model, also in a terminal.", Recursive = true };

    /// <summary><c>--quiet</c>, accepted by every command: errors and the final line only.</summary>
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print only errors and the final result line.", Recursive = true };
}
