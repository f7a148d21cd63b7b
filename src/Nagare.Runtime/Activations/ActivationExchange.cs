namespace Nagare.Runtime.Activations;

/// <summary>One attempt of a request to a destination and its answer, as kept for <c>retention_days</c> (secrets redacted, bodies truncated).</summary>
/// <param name="Sequence">The request's number in the run, from 1 (its attempts share it).</param>
/// <param name="Attempt">The attempt, from 1.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Url">The URL.</param>
/// <param name="RequestHeaders">The request's headers as a JSON object.</param>
/// <param name="RequestBody">The start of the body, or null.</param>
/// <param name="Status">The answer's status, or null when none came.</param>
/// <param name="ResponseHeaders">The answer's headers as a JSON object, or null.</param>
/// <param name="ResponseBody">The start of the answer's body, or null.</param>
/// <param name="Error">Why the attempt failed (network, time-out, status), or null.</param>
/// <param name="Milliseconds">How long the attempt took.</param>
public sealed record ActivationExchange(
    long Sequence,
    int Attempt,
    DateTimeOffset SentAt,
    string Method,
    string Url,
    string RequestHeaders,
    string? RequestBody,
    int? Status,
    string? ResponseHeaders,
    string? ResponseBody,
    string? Error,
    double Milliseconds);
