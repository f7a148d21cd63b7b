namespace Nagare.Runtime.Activations;

/// <summary>What an activation's run sends to its destination.</summary>
public enum ActivationMode
{
    /// <summary>Database: inserts rows whose key was never sent (every row each run when there is no key).</summary>
    Insert,

    /// <summary>Database: inserts new keys and updates changed rows; rows gone from the result stay.</summary>
    Upsert,

    /// <summary>Database: replaces the table with the whole result in one transaction (a new table renamed over the old one).</summary>
    Replace,

    /// <summary>Database: upsert, and deletes the rows this activation sent before that are gone from the result; rows it never sent are never touched.</summary>
    Mirror,

    /// <summary>Files: every row of the result, every run.</summary>
    Full,

    /// <summary>Files: only the rows inserted, updated or deleted since the last delivered run, with an <c>_op</c> column.</summary>
    Changes,
}
