namespace Nagare.Runtime.Activations;

/// <summary>What a run of an activation did.</summary>
/// <param name="Plan">What it computed to send.</param>
/// <param name="Inserted">Records inserted at the destination (or written to files as inserts).</param>
/// <param name="Updated">Records updated.</param>
/// <param name="Deleted">Records deleted.</param>
/// <param name="Rejected">Records the destination refused (none for databases and files, which take all or nothing).</param>
/// <param name="Files">Files written (files destinations).</param>
/// <param name="Bytes">Bytes written (files destinations).</param>
/// <param name="Manifest">The manifest written, relative to the destination folder, or null.</param>
/// <param name="Seconds">Wall time of the run.</param>
public sealed record ActivationResult(
    ActivationPlan Plan,
    long Inserted,
    long Updated,
    long Deleted,
    long Rejected,
    int Files,
    long Bytes,
    string? Manifest,
    double Seconds)
{
    /// <summary>Records sent.</summary>
    public long Sent => Inserted + Updated + Deleted;

    /// <summary>What the destination said record by record (an HTTP API), or null for one that takes all or nothing.</summary>
    public ActivationReceipts? Receipts { get; init; }
}
