using System.Collections.Immutable;

namespace Nagare.Runtime.Activations;

/// <summary>
/// What a run of an activation sends, computed in the warehouse from the result and the snapshot of what was last
/// delivered: a dry run reports it and stops; a run sends exactly it.
/// </summary>
/// <param name="Activation">The activation's name.</param>
/// <param name="Destination">The destination as users name it.</param>
/// <param name="Mode">The mode, as configured (<c>mirror</c>, <c>full</c>, …).</param>
/// <param name="ResultRows">Rows of the query's result.</param>
/// <param name="Inserts">Records to insert (keys never delivered).</param>
/// <param name="Updates">Records to update (delivered before with other values).</param>
/// <param name="Deletes">Records to delete (delivered before, gone from the result); counted only by modes that delete.</param>
/// <param name="Unchanged">Records delivered before with the same values.</param>
/// <param name="SendsAll">Whether the run sends the whole result (replace, full files), because something changed or nothing was delivered yet.</param>
/// <param name="FirstRun">Whether nothing was delivered to this destination yet (or the activation's destination, columns or key changed since).</param>
/// <param name="Samples">The first records of each kind (<c>insert</c>, <c>update</c>, <c>delete</c>), field to value as text.</param>
public sealed record ActivationPlan(
    string Activation,
    string Destination,
    string Mode,
    long ResultRows,
    long Inserts,
    long Updates,
    long Deletes,
    long Unchanged,
    bool SendsAll,
    bool FirstRun,
    ImmutableSortedDictionary<string, ImmutableArray<ImmutableSortedDictionary<string, string?>>> Samples)
{
    /// <summary>The first requests a run would send (a dry run of an HTTP destination); empty for other destinations.</summary>
    public ImmutableArray<ActivationRequestSample> Requests { get; init; } = [];

    /// <summary>Whether the run sends anything at all.</summary>
    public bool HasChanges => SendsAll || Inserts + Updates + Deletes > 0;

    /// <summary>Records the destination receives: the whole result when <see cref="SendsAll"/>, else the changes.</summary>
    public long RecordsSent => SendsAll ? ResultRows : Inserts + Updates + Deletes;
}
