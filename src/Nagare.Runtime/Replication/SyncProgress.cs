using System.Collections.Immutable;

namespace Nagare.Runtime.Replication;

/// <summary>A progress report of a running sync.</summary>
/// <param name="TablesDone">Destination tables finished (succeeded or failed).</param>
/// <param name="TablesTotal">Destination tables in the plan.</param>
/// <param name="TablesFailed">Tables failed so far.</param>
/// <param name="RowsRead">Rows read so far.</param>
/// <param name="RowsWritten">Rows written so far.</param>
/// <param name="Seconds">Time since the run started.</param>
/// <param name="Current">Tables being copied now.</param>
public sealed record SyncProgress(int TablesDone, int TablesTotal, int TablesFailed, long RowsRead, long RowsWritten, double Seconds, ImmutableArray<string> Current)
{
    /// <summary>Rows written per second since the start.</summary>
    public double RowsPerSecond => Seconds > 0 ? RowsWritten / Seconds : 0;
}
