namespace Nagare.Cli;

/// <summary>Process exit codes of the <c>nagare</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The user asked for something that cannot be done (bad arguments, bad SQL, missing file); one clear message.</summary>
    public const int UserError = 1;

    /// <summary>A bug or an environment failure inside Nagare.</summary>
    public const int InternalError = 2;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
