using Nagare.Core.Connectors;
using Nagare.Connectors.DuckDb;

namespace Nagare.Runtime.Models;

/// <summary>How <see cref="ModelRunner"/> executes selected nodes.</summary>
public sealed record RunOptions
{
    /// <summary>Nodes run at once, each on its own connection to the shared warehouse (default 1).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Rebuild incremental models from scratch (unless a model sets <c>full_refresh: false</c>).</summary>
    public bool FullRefresh { get; init; }

    /// <summary>Called as each node finishes (from worker threads, one at a time).</summary>
    public Action<NodeResult>? Progress { get; init; }

    /// <summary>How the warehouse is opened: how long to wait while another process holds it (default: not at all).</summary>
    public WarehouseOpenOptions Warehouse { get; init; } = WarehouseOpenOptions.Default;

    /// <summary>Clock for durations.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
