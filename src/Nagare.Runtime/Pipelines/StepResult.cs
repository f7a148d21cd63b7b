namespace Nagare.Runtime.Pipelines;

/// <summary>What a task did.</summary>
/// <param name="Rows">Rows written (or changed), when known.</param>
/// <param name="Bytes">Bytes written, when known.</param>
/// <param name="Items">For a fan-out query's task: the items found.</param>
public sealed record StepResult(long? Rows = null, long? Bytes = null, IReadOnlyList<string>? Items = null);
