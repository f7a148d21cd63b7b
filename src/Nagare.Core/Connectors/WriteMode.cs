namespace Nagare.Core.Connectors;

/// <summary>How a stream is written into its destination table.</summary>
public enum WriteMode
{
    /// <summary>Replace the table: load into staging, swap atomically at commit.</summary>
    FullRefresh,

    /// <summary>Insert every row read.</summary>
    Append,

    /// <summary>Insert rows past the stored cursor; the new cursor is committed with the rows.</summary>
    Incremental,

    /// <summary>Upsert by primary key (staging, then update/insert in one transaction).</summary>
    Merge,
}
