using Nagare.Core.Connectors;

namespace Nagare.Runtime.Replication;

/// <summary>One destination table's outcome in a sync run.</summary>
/// <param name="Stream">Source stream(s).</param>
/// <param name="Table">Destination table.</param>
/// <param name="Mode">Mode used.</param>
/// <param name="RowsRead">Rows read from the source.</param>
/// <param name="RowsWritten">Rows written (read minus rejected).</param>
/// <param name="RowsRejected">Rows skipped or quarantined.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="Status">Outcome.</param>
/// <param name="Message">Why it failed, or a note (chunks, resume); null when nothing to say.</param>
/// <param name="Chunks">Chunks copied in this run (0 when not chunked).</param>
/// <param name="ChunksResumed">Chunks already staged by an interrupted run and not copied again.</param>
/// <param name="Changes">What the destination's commit did (inserted, updated, unchanged, deleted); null when it failed.</param>
public sealed record StreamResult(
    string Stream,
    string Table,
    WriteMode Mode,
    long RowsRead,
    long RowsWritten,
    long RowsRejected,
    double Seconds,
    StreamStatus Status,
    string? Message,
    int Chunks = 0,
    int ChunksResumed = 0,
    WriteResult? Changes = null);
