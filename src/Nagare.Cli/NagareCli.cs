using System.CommandLine;
using Nagare.Cli.Commands;
using Nagare.Core;
using Nagare.DuckDb;
using Nagare.DuckDb.Native;
using Spectre.Console;

namespace Nagare.Cli;

/// <summary>
/// The <c>nagare</c> command tree. Errors map to exit codes: user errors print one line
/// (no stack trace) and exit 1; anything unexpected exits 2 (stack trace with NAGARE_DEBUG=1).
/// </summary>
public static class NagareCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command, writing to the given streams.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var console = CreateConsole(stdout);
        var context = new CliContext(console, stdout, stderr, time ?? TimeProvider.System);
        var root = new RootCommand("Nagare (流れ): move data from where it is born to where people act on it.")
        {
            QueryCommand.Create(context),
            DemoCommand.Create(context),
            CompileCommand.Create(context),
            DepsCommand.Create(context),
            BuildCommand.Create(context),
            BuildCommand.CreateRun(context),
            BuildCommand.CreateTest(context),
            BuildCommand.CreateSeed(context),
            BuildCommand.CreateSnapshot(context),
            LsCommand.Create(context),
            ShowCommand.Create(context),
            DocsCommand.Create(context),
            GenerateCommand.Create(context),
            InitCommand.Create(context),
            ConnectionCommand.Create(context),
            ActivateCommand.Create(context),
            SyncCommand.Create(context),
            StateCommand.Create(context),
            Commands.Pipelines.PipelineCommand.Create(context),
            Commands.Pipelines.RunsCommand.Create(context),
            Commands.Pipelines.BackfillCommand.Create(context),
            Commands.Pipelines.ServeCommand.Create(context),
            Commands.Pipelines.ServeCommand.CreateWorker(context),
            ConfigAsCodeCommands.CreatePlan(context),
            ConfigAsCodeCommands.CreateApply(context),
            ConfigAsCodeCommands.CreateExport(context),
        };

        root.Options.Add(context.Verbose);
        root.Options.Add(context.Quiet);
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new VersionAction();
        }

        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,

            // Signals are the host's to turn into cancellation (Program.cs); commands then finish their own way.
            ProcessTerminationTimeout = null,
        };

        try
        {
            var code = await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested && code != ExitCodes.Success)
            {
                await stderr.WriteLineAsync("nagare: cancelled").ConfigureAwait(false);
                return ExitCodes.Cancelled;
            }

            return code;
        }
        catch (Exception e) when (e is OperationCanceledException || (cancellationToken.IsCancellationRequested && e is NagareException or DuckDbException))
        {
            await stderr.WriteLineAsync("nagare: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (IsUserError(Unwrap(e)))
        {
            e = Unwrap(e);
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            if (e is NagareException { Hint: { } hint })
            {
                await stderr.WriteLineAsync($"hint: {hint}").ConfigureAwait(false);
            }

            return ExitCodes.UserError;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"internal error: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("NAGARE_DEBUG") == "1")
            {
                await stderr.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }
            else
            {
                await stderr.WriteLineAsync("(set NAGARE_DEBUG=1 for the stack trace)").ConfigureAwait(false);
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// Errors the user can act on: ours, DuckDB's (bad SQL), and the file system's (a folder that cannot be written,
    /// a file where a folder should be); their messages name what and where.
    /// </summary>
    private static bool IsUserError(Exception e) =>
        e is NagareException or DuckDbException or DuckDbLibraryException or UnauthorizedAccessException or IOException;

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerExceptions[0]) : e;

    private static IAnsiConsole CreateConsole(TextWriter stdout)
    {
        var interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Redirected output has no terminal width; do not wrap tables at 80 columns.
            console.Profile.Width = 160;
        }

        return console;
    }
}
