namespace Nagare.Runtime.Replication;

/// <summary>How one destination column is produced from a source batch.</summary>
public enum ColumnOperation
{
    /// <summary>The source column's values as they are.</summary>
    Copy,

    /// <summary>The source column converted to another type.</summary>
    Cast,

    /// <summary>A hash of the source column's text.</summary>
    Mask,

    /// <summary>The source stream's name on every row (fan-in).</summary>
    SourceName,

    /// <summary>NULL on every row (a fan-in source lacking the column).</summary>
    Null,
}
