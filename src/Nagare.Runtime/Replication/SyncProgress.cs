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
    /// <summary>
    /// Rows the run is expected to read, from the source's row estimates, when every table is read whole (full
    /// refresh, or merge without a cursor) and has an estimate; null otherwise.
    /// </summary>
    public long? RowsExpected { get; init; }

    /// <summary>
    /// How far the run is, 0..1: by rows when <see cref="RowsExpected"/> is known, else by tables. Below 1 until
    /// every table is done, however far the rows are past the estimate.
    /// </summary>
    public double Fraction
    {
        get
        {
            if (TablesTotal > 0 && TablesDone >= TablesTotal)
            {
                return 1;
            }

            var fraction = RowsExpected is > 0 and var expected
                ? Math.Max((double)RowsRead / expected, TablesTotal > 0 ? (double)TablesDone / TablesTotal : 0)
                : TablesTotal > 0 ? (double)TablesDone / TablesTotal : 0;
            return Math.Min(fraction, 0.99);
        }
    }

    /// <summary>Rows written per second since the start.</summary>
    public double RowsPerSecond => Seconds > 0 ? RowsWritten / Seconds : 0;
}
