namespace Nagare.Runtime.Activations;

/// <summary>Which records of a run a destination reads (see <see cref="ActivationDelivery.ReadAsync"/>).</summary>
public enum ActivationRecords
{
    /// <summary>Every record of the result (replace, full files).</summary>
    All,

    /// <summary>Records to insert and to update (to insert only, in insert mode).</summary>
    Changes,

    /// <summary>The keys of the records to delete, in key order of <see cref="ActivationDelivery.Key"/>.</summary>
    DeletedKeys,

    /// <summary>Inserts, updates and deletes (key fields only, other fields null), each with an <c>_op</c> field: <c>insert</c>, <c>update</c> or <c>delete</c>.</summary>
    ChangesWithDeletes,
}
