namespace Nagare.Runtime.Activations;

/// <summary>A record the destination refused for good (kept in the warehouse until a later run delivers it).</summary>
/// <param name="Key">The key fields as a JSON object.</param>
/// <param name="Operation"><c>insert</c>, <c>update</c> or <c>delete</c>.</param>
/// <param name="Record">The record as JSON.</param>
/// <param name="Status">The HTTP status of the last answer, or null when none came (network errors).</param>
/// <param name="Response">The start of the last answer's body (secrets redacted), or null.</param>
/// <param name="Error">Why, in words.</param>
public sealed record ActivationRejection(string Key, string Operation, string Record, int? Status, string? Response, string Error)
{
    /// <summary>The key as text for messages (<c>id=42</c>).</summary>
    public string DescribeKey() => ActivationRecordKey.Describe(Key);
}
