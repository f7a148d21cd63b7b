namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Per-record results inside a 2xx answer to a batch: the JSON array at <paramref name="ResultsPath"/> holds one
/// result per record of the request, in order. A record is confirmed when its result's
/// <paramref name="SuccessField"/> is true (when set) and its <paramref name="ErrorField"/> is null or empty (when set).
/// </summary>
/// <param name="ResultsPath">Dot-separated path to the array (<c>results</c>, <c>data.items</c>); empty for an answer that is the array.</param>
/// <param name="SuccessField">A field that is true for a record accepted, or null.</param>
/// <param name="ErrorField">A field holding the reason a record was refused, or null.</param>
public sealed record HttpResponseMapping(string ResultsPath, string? SuccessField, string? ErrorField);
