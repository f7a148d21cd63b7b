using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Schema;

namespace Nagare.Runtime.Activations;

/// <summary>
/// The records of one run as a destination reads them: computed in the warehouse (the result, and the changes
/// against the snapshot of what was delivered), read back as columnar batches of the destination's fields.
/// </summary>
public sealed class ActivationDelivery
{
    private readonly ActivationDiff _diff;

    internal ActivationDelivery(ActivationConfig activation, ActivationPlan plan, ActivationDiff diff, IReadOnlyDictionary<string, object?> templateContext)
    {
        Activation = activation;
        Plan = plan;
        _diff = diff;
        TemplateContext = templateContext;
    }

    /// <summary>The activation.</summary>
    public ActivationConfig Activation { get; }

    /// <summary>What the run sends.</summary>
    public ActivationPlan Plan { get; }

    /// <summary>The destination's fields with their canonical types, in order.</summary>
    public ImmutableArray<ColumnSchema> Columns => _diff.Columns;

    /// <summary>The key fields (empty when the activation has no key).</summary>
    public ImmutableArray<string> Key => _diff.Key;

    /// <summary>
    /// Checks still running beside the send (the keys, on another warehouse connection), or null: a destination that
    /// commits once awaits it before committing, and commits nothing when it fails.
    /// </summary>
    internal Task? Checked { get; init; }

    /// <summary>Variables for names the destination renders (<c>activation</c>, <c>run_date</c>, <c>run_id</c>, <c>ts</c>).</summary>
    public IReadOnlyDictionary<string, object?> TemplateContext { get; }

    /// <summary>The columns of a batch of <paramref name="records"/>.</summary>
    public ImmutableArray<ColumnSchema> ColumnsOf(ActivationRecords records) => _diff.ColumnsOf(records);

    /// <summary>Reads <paramref name="records"/> batch by batch (a batch is reused after <paramref name="consume"/> returns); returns the rows read.</summary>
    public Task<long> ReadAsync(ActivationRecords records, Func<ColumnBatch, CancellationToken, ValueTask> consume, CancellationToken cancellationToken) =>
        _diff.ReadAsync(records, consume, cancellationToken);

    /// <summary>
    /// Reads <paramref name="records"/> (<see cref="ActivationRecords.All"/>, <see cref="ActivationRecords.Changes"/> or
    /// <see cref="ActivationRecords.DeletedKeys"/>) one by one as JSON, in key order, at most <paramref name="limit"/>
    /// when set; returns the records read.
    /// </summary>
    public Task<long> ReadRecordsAsync(ActivationRecords records, int? limit, Func<ActivationRecord, CancellationToken, ValueTask> consume, CancellationToken cancellationToken) =>
        _diff.ReadRecordsAsync(records, limit, consume, cancellationToken);

    /// <summary>The key of the record at 1-based position <paramref name="row"/> of <paramref name="records"/>, as text for messages (<c>day=2024-01-01, region=apac</c>).</summary>
    public string DescribeRecord(ActivationRecords records, long row) => _diff.DescribeRecord(records, row);
}
