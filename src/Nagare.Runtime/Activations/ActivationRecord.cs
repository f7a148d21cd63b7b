namespace Nagare.Runtime.Activations;

/// <summary>One record of a run as JSON, for destinations that send records one by one (an HTTP API).</summary>
/// <param name="Key">The key fields as a JSON object: what identifies the record when it is confirmed or rejected.</param>
/// <param name="Json">The record's destination fields as a JSON object (a delete: its key fields only).</param>
/// <param name="Operation"><c>insert</c>, <c>update</c> or <c>delete</c>.</param>
public sealed record ActivationRecord(string Key, string Json, string Operation);
