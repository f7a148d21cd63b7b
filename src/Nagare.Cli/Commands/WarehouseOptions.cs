using Nagare.Core.Connectors;
using System.CommandLine;
using System.Globalization;
using Nagare.Runtime.Connections;

namespace Nagare.Cli.Commands;

/// <summary>
/// <c>--wait [SECONDS]</c> and <c>--read-only</c> of the commands that open the warehouse, and how they turn into
/// <see cref="WarehouseOpenOptions"/>.
/// </summary>
internal sealed class WarehouseOptions
{
    /// <summary>The wait of <c>--wait</c> given without a value.</summary>
    public const int DefaultWaitSeconds = 60;

    public Option<int?> Wait { get; } = new("--wait")
    {
        Description = $"When another process holds the warehouse, wait up to SECONDS for it (default {DefaultWaitSeconds} without a value) instead of failing at once.",
        HelpName = "SECONDS",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return DefaultWaitSeconds;
            }

            if (int.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds;
            }

            result.AddError($"--wait takes a number of seconds, found '{result.Tokens[0].Value}'.");
            return null;
        },
    };

    public Option<bool> ReadOnly { get; } = new("--read-only")
    {
        Description = "Open the warehouse read-only: nothing is written, and other read-only commands may read it at the same time. Automatic when the file or its folder is not writable.",
    };

    /// <summary>Adds <c>--wait</c> to a command that writes the warehouse.</summary>
    public void AddWait(Command command) => command.Options.Add(Wait);

    /// <summary>Adds <c>--wait</c> and <c>--read-only</c> to a command that only reads the warehouse.</summary>
    public void AddReadOnly(Command command)
    {
        command.Options.Add(Wait);
        command.Options.Add(ReadOnly);
    }

    /// <summary>How long <c>--wait</c> asked to wait: zero when not given.</summary>
    public TimeSpan WaitFor(ParseResult parse) => TimeSpan.FromSeconds(parse.GetValue(Wait) ?? 0);

    /// <summary>Read-write, waiting as <c>--wait</c> says.</summary>
    public WarehouseOpenOptions ForWriting(ParseResult parse, CliContext context) =>
        new() { Wait = WaitFor(parse), Time = context.Time };

    /// <summary>
    /// Read-only when <c>--read-only</c> is given or when this user cannot write the warehouse at
    /// <paramref name="path"/> (saying so in one line on standard error); read-write otherwise.
    /// </summary>
    public WarehouseOpenOptions ForReading(ParseResult parse, CliContext context, string path)
    {
        var readOnly = parse.GetValue(ReadOnly);
        if (!readOnly && Warehouse.ReadOnlyReason(path) is { } reason)
        {
            context.Error.WriteLine($"note: {reason}; opening it read-only.");
            readOnly = true;
        }

        return new() { ReadOnly = readOnly, Wait = WaitFor(parse), Time = context.Time };
    }
}
