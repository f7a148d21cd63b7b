namespace Nagare.Core.Connectors;

/// <summary>How a warehouse (DuckDB) file is opened: read-only or not, and how long to wait while another process holds it.</summary>
public sealed record WarehouseOpenOptions
{
    /// <summary>Opening the file read-write, failing at once when another process holds it.</summary>
    public static WarehouseOpenOptions Default { get; } = new();

    /// <summary>Open the file read-only: nothing can be written, and other read-only processes may read it at the same time. Default false.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>How long to wait, polling, while another process holds the file; zero (the default) fails at once.</summary>
    public TimeSpan Wait { get; init; }

    /// <summary>Clock for the wait.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
