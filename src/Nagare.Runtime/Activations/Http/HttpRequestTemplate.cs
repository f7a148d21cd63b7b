using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary>How a request is made from a record or a batch of records.</summary>
/// <param name="Method"><c>POST</c>, <c>PUT</c>, <c>PATCH</c> or <c>DELETE</c>.</param>
/// <param name="Url">The URL, a Jinja template over <c>record</c> (batch size 1) or <c>records</c>.</param>
/// <param name="Body">A Jinja template rendering JSON, or null for the default: the record (batch size 1) or a JSON array of the records; a delete sent with <c>DELETE</c> has no body by default.</param>
public sealed record HttpRequestTemplate(string Method, string Url, string? Body)
{
    /// <summary>The URL as written, when it holds <c>${…}</c> references (shown instead of <see cref="Url"/>); else null.</summary>
    public string? WrittenUrl { get; init; }

    /// <summary>The values the URL's <c>${…}</c> references stand for: secrets, redacted wherever requests are kept or shown.</summary>
    public ImmutableArray<Secret> UrlSecrets { get; init; } = [];

    /// <summary>The values the body template's <c>${…}</c> references stand for: secrets, redacted wherever requests are kept or shown.</summary>
    public ImmutableArray<Secret> BodySecrets { get; init; } = [];
}
