using System.Globalization;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.DuckDb;

/// <summary>
/// A DuckDB file could not be opened because another process holds it: DuckDB lets one process write a database
/// file at a time (several may read it when all open it read-only).
/// </summary>
public sealed class WarehouseLockedException : ConnectorException
{
    public WarehouseLockedException()
    {
    }

    public WarehouseLockedException(string message)
        : base(message)
    {
    }

    public WarehouseLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its message, which names the holder and how long this process waited.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="processId">The holder's process id, when DuckDB named it.</param>
    /// <param name="commandLine">The holder's command line, when it could be read.</param>
    /// <param name="waited">How long this process was to wait for the file (it waited at least that long), or zero.</param>
    /// <param name="innerException">DuckDB's error.</param>
    public WarehouseLockedException(string path, int? processId, string? commandLine, TimeSpan waited, Exception innerException)
        : base(Describe(path, processId, commandLine, waited), innerException)
    {
        Path = path;
        ProcessId = processId;
        CommandLine = commandLine;
        Waited = waited;
        Hint = waited > TimeSpan.Zero
            ? "Let that process finish (or stop it), then run again; --wait SECONDS waits longer."
            : "Let that process finish (or stop it), or run again with --wait [SECONDS] to wait for it (60 s without a value).";
    }

    /// <summary>The database file.</summary>
    public string? Path { get; }

    /// <summary>The process holding the file, when DuckDB named it.</summary>
    public int? ProcessId { get; }

    /// <summary>The holder's command line (from /proc), when it could be read.</summary>
    public string? CommandLine { get; }

    /// <summary>How long this process was to wait for the file before giving up (at least that long passed), or zero.</summary>
    public TimeSpan Waited { get; }

    private static string Describe(string path, int? processId, string? commandLine, TimeSpan waited)
    {
        var holder = (processId, commandLine) switch
        {
            ({ } pid, { } command) => string.Create(CultureInfo.InvariantCulture, $"process {pid} ({command})"),
            ({ } pid, null) => string.Create(CultureInfo.InvariantCulture, $"process {pid}"),
            _ => "another process",
        };
        var held = waited > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"is still held by {holder} after waiting {Math.Round(waited.TotalSeconds):0} s")
            : $"is held by {holder}";
        return $"The DuckDB file '{path}' {held}: DuckDB lets one process at a time write a database file.";
    }
}
