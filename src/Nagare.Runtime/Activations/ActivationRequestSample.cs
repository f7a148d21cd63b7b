namespace Nagare.Runtime.Activations;

/// <summary>A request a run would send, as a dry run shows it (secrets redacted).</summary>
/// <param name="Operation"><c>insert</c>, <c>update</c>, <c>delete</c>, or <c>send</c> for a batch of several kinds.</param>
/// <param name="Records">Records the request carries.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Url">The URL.</param>
/// <param name="Body">The body, or null.</param>
public sealed record ActivationRequestSample(string Operation, int Records, string Method, string Url, string? Body);
