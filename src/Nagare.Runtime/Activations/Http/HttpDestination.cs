using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// An HTTP API (a CRM's objects, an advertising audience): records sent as rendered requests, in batches, under a rate
/// limit, retried on 429, 5xx and network errors; each record confirmed by a 2xx answer or rejected.
/// </summary>
/// <param name="Request">The request inserts and updates are sent with (and, in mode full, every record).</param>
/// <param name="BatchSize">Records per request (1: one request per record, <c>record</c> in the templates); 1–10,000.</param>
/// <param name="Mode"><see cref="ActivationMode.Changes"/> (the default) or <see cref="ActivationMode.Full"/>.</param>
/// <param name="Key">Fields identifying a record (required).</param>
/// <param name="Location">Where the destination was defined.</param>
public sealed record HttpDestination(HttpRequestTemplate Request, int BatchSize, ActivationMode Mode, ImmutableArray<string> Key, ConfigLocation Location)
    : ActivationDestination(Mode, Key, Location)
{
    /// <summary>The request deletes are sent with in mode changes; none (deletes are not sent) when null.</summary>
    public HttpRequestTemplate? Delete { get; init; }

    /// <summary>Headers of every request (a value written with a <c>${…}</c> reference is a secret: redacted where kept).</summary>
    public ImmutableArray<HttpHeader> Headers { get; init; } = [];

    /// <summary>How requests are authenticated, or null.</summary>
    public HttpAuth? Auth { get; init; }

    /// <summary>
    /// Most requests per second (retries included), starts spaced and kept so within any sliding second as the API
    /// counts them at arrival; null for no limit. Above 0 (e.g. 10 or 0.5).
    /// </summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>Most requests in flight at once. Default 1.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Retries of a request answered 429 or 5xx or that failed on the network, after the first attempt. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The wait before the first retry when the answer has no <c>Retry-After</c>; doubled at each retry, with jitter. Default 1 s.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for one answer. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Per-record results inside a 2xx answer to a batch, or null (a 2xx confirms every record of the request).</summary>
    public HttpResponseMapping? Response { get; init; }

    /// <summary>Days the requests and responses of each run are kept in the warehouse. Default 7; 0 keeps none.</summary>
    public int RetentionDays { get; init; } = 7;

    /// <inheritdoc/>
    public override string Type => "http";

    /// <inheritdoc/>
    public override string Display => $"{Request.Method} {Request.WrittenUrl ?? Request.Url}";

    /// <inheritdoc/>
    public override string Identity => $"http|{Request.Method}|{Request.WrittenUrl ?? Request.Url}|{Mode}";

    /// <inheritdoc/>
    public override bool CountsDeletes => Mode == ActivationMode.Full || Delete is not null;
}
