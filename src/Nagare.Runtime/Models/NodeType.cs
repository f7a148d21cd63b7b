namespace Nagare.Runtime.Models;

/// <summary>Kinds of nodes in a model project's graph.</summary>
public enum NodeType
{
    Model,
    Seed,
    Test,
    Source,

    /// <summary>A dbt snapshot: a table keeping the history of a query's rows (type-2 slowly changing dimension).</summary>
    Snapshot,

    /// <summary>A dbt analysis: SQL compiled into target/compiled, never run.</summary>
    Analysis,

    /// <summary>A project hook (<c>on-run-start</c>, <c>on-run-end</c>); appears only in run results.</summary>
    Operation,
}
