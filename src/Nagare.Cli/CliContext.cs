using Spectre.Console;

namespace Nagare.Cli;

/// <summary>What every command needs from its host: where to write and what time it is.</summary>
/// <param name="Console">Rich output (tables, progress) on standard output.</param>
/// <param name="Out">Plain standard output, for machine-readable formats.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Time">The clock.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Out, TextWriter Error, TimeProvider Time);
