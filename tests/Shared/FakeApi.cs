using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nagare.Testing;

/// <summary>
/// A SaaS API for activations to send to: Kestrel on 127.0.0.1 and a free port, recording every request (method,
/// path, headers, body), counting the requests in flight at once, answering as <see cref="Answer"/> says (200 and
/// <c>{}</c> by default), enforcing a rate limit when <see cref="Limit"/> is set, and issuing OAuth 2.0 tokens at
/// <c>/oauth/token</c>.
/// </summary>
public sealed class FakeApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<Received> received = new();
    private readonly ConcurrentDictionary<string, bool> tokens = new(StringComparer.Ordinal);
    private readonly Queue<long> arrivals = new();
    private int violations;
    private int inFlight;
    private int maxInFlight;
    private int tokenCount;

    private FakeApi(WebApplication app) => this.app = app;

    /// <summary>How a request to the API (not the token endpoint) is answered: status, body and extra headers.</summary>
    public Func<Received, (int Status, string Body, IReadOnlyDictionary<string, string>? Headers)> Answer { get; set; } = _ => (200, "{}", null);

    /// <summary>How long each answer is held back, so concurrent requests overlap.</summary>
    public TimeSpan Hold { get; set; }

    /// <summary>
    /// When set, at most this many API requests are accepted in any sliding window of this length, judged by each
    /// request's arrival on the real clock (every arrival counts, refused or not); one more is answered 429 with
    /// <c>Retry-After: 1</c> and counted in <see cref="Violations"/>.
    /// </summary>
    public (int Requests, TimeSpan Window)? Limit { get; set; }

    /// <summary>Requests that arrived while <see cref="Limit"/> was already reached.</summary>
    public int Violations => Volatile.Read(ref violations);

    /// <summary>When set, only bearer tokens issued by <c>/oauth/token</c> and not revoked are accepted (else 401).</summary>
    public bool RequireIssuedToken { get; set; }

    public string Url => app.Urls.First();

    /// <summary>Requests to the API, in order of arrival (the token endpoint's not included).</summary>
    public IReadOnlyList<Received> Requests => [.. received];

    /// <summary>Most API requests that were being answered at the same moment.</summary>
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    /// <summary>Tokens issued by the token endpoint.</summary>
    public int TokensIssued => Volatile.Read(ref tokenCount);

    /// <summary>The last body posted to the token endpoint.</summary>
    public string? TokenRequest { get; private set; }

    public static async Task<FakeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeApi(app);
        app.MapPost("/oauth/token", api.TokenAsync);
        app.Map("/{**path}", api.HandleAsync);
        await app.StartAsync();
        return api;
    }

    /// <summary>Makes every issued token invalid (the next request with one is answered 401).</summary>
    public void RevokeTokens()
    {
        foreach (var token in tokens.Keys)
        {
            tokens[token] = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task TokenAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        TokenRequest = await reader.ReadToEndAsync();
        var token = "tok-" + Interlocked.Increment(ref tokenCount);
        tokens[token] = true;
        await context.Response.WriteAsJsonAsync(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref inFlight);
        try
        {
            for (var max = Volatile.Read(ref maxInFlight); now > max; max = Volatile.Read(ref maxInFlight))
            {
                if (Interlocked.CompareExchange(ref maxInFlight, now, max) == max)
                {
                    break;
                }
            }

            var over = Limit is { } limit && Arrived(limit.Requests, limit.Window);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var request = new Received(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            received.Enqueue(request);
            if (over)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            if (Hold > TimeSpan.Zero)
            {
                await Task.Delay(Hold);
            }

            if (RequireIssuedToken)
            {
                var authorization = request.Header("Authorization") ?? string.Empty;
                if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !tokens.TryGetValue(authorization[7..], out var valid) || !valid)
                {
                    context.Response.StatusCode = 401;
                    return;
                }
            }

            var (status, text, headers) = Answer(request);
            context.Response.StatusCode = status;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(text);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>Counts an arrival now; true when the window already held <paramref name="requests"/> arrivals.</summary>
    private bool Arrived(int requests, TimeSpan window)
    {
        lock (arrivals)
        {
            // Taken under the lock, so arrivals are in order of their times.
            var now = Stopwatch.GetTimestamp();
            var from = now - (long)(window.TotalSeconds * Stopwatch.Frequency);
            while (arrivals.Count > 0 && arrivals.Peek() <= from)
            {
                arrivals.Dequeue();
            }

            var over = arrivals.Count >= requests;
            arrivals.Enqueue(now);
            if (over)
            {
                violations++;
            }

            return over;
        }
    }

    /// <summary>One request as the API received it.</summary>
    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }
}
