using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Signs each request as the destination's <see cref="HttpAuth"/> says. An OAuth 2.0 token is fetched once, reused by
/// every request until shortly before it expires, and fetched again when a request is answered 401 with it; every
/// secret and token goes to the <see cref="HttpRedactor"/> before it is used.
/// </summary>
internal sealed class HttpAuthenticator
{
    /// <summary>A token is fetched again this long before the expiry its endpoint gave.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);

    private readonly HttpAuth? auth;
    private readonly HttpClient http;
    private readonly TimeProvider time;
    private readonly HttpRedactor redactor;
    private readonly string activation;
    private readonly SemaphoreSlim fetching = new(1, 1);
    private (string Token, DateTimeOffset Expires)? token;

    public HttpAuthenticator(HttpAuth? auth, HttpClient http, TimeProvider time, HttpRedactor redactor, string activation)
    {
        this.auth = auth;
        this.http = http;
        this.time = time;
        this.redactor = redactor;
        this.activation = activation;
        switch (auth)
        {
            case HttpBearerAuth bearer:
                redactor.Add(bearer.Token.Reveal());
                break;
            case HttpBasicAuth basic:
                redactor.Add(basic.Password.Reveal());
                redactor.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.User}:{basic.Password.Reveal()}")));
                break;
            case HttpHmacAuth hmac:
                redactor.Add(hmac.Key.Reveal());
                break;
            case HttpOAuth2Auth oauth:
                redactor.Add(oauth.ClientSecret.Reveal());
                break;
        }
    }

    /// <summary>Whether a 401 is worth one more attempt with a new token.</summary>
    public bool CanRefresh => auth is HttpOAuth2Auth;

    /// <summary>Tokens fetched from the token endpoint so far.</summary>
    public int TokensFetched { get; private set; }

    /// <summary>Headers whose values are never kept: the authorization, a signature.</summary>
    public IEnumerable<string> SecretHeaders => auth is HttpHmacAuth hmac ? ["Authorization", hmac.Header] : ["Authorization"];

    /// <summary>Adds the credentials to <paramref name="request"/>, whose body is <paramref name="body"/>; returns the bearer token used, if any.</summary>
    public async Task<string?> ApplyAsync(HttpRequestMessage request, byte[]? body, CancellationToken cancellationToken)
    {
        switch (auth)
        {
            case HttpBearerAuth bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Token.Reveal());
                return null;
            case HttpBasicAuth basic:
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.User}:{basic.Password.Reveal()}")));
                return null;
            case HttpHmacAuth hmac:
                Sign(request, hmac, body ?? []);
                return null;
            case HttpOAuth2Auth oauth:
                var current = await TokenAsync(oauth, cancellationToken).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", current);
                return current;
            default:
                return null;
        }
    }

    /// <summary>Forgets <paramref name="used"/> (answered 401), so the next request fetches a new token; a token another request already replaced stays.</summary>
    public void Refused(string? used)
    {
        lock (fetching)
        {
            if (used is not null && token is { } current && current.Token == used)
            {
                token = null;
            }
        }
    }

    private void Sign(HttpRequestMessage request, HttpHmacAuth hmac, byte[] body)
    {
        var key = Encoding.UTF8.GetBytes(hmac.Key.Reveal());
        byte[] signed = body;
        if (hmac.TimestampHeader is { } header)
        {
            // Taken at each attempt: receivers refuse old timestamps to stop replays, and a retry is not a replay.
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation(header, timestamp);
            signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. body];
        }

        var digest = hmac.Algorithm == "sha512" ? HMACSHA512.HashData(key, signed) : HMACSHA256.HashData(key, signed);
        request.Headers.TryAddWithoutValidation(hmac.Header, hmac.Prefix + Convert.ToHexStringLower(digest));
    }

    private async Task<string> TokenAsync(HttpOAuth2Auth oauth, CancellationToken cancellationToken)
    {
        lock (fetching)
        {
            if (token is { } cached && cached.Expires > time.GetUtcNow())
            {
                return cached.Token;
            }
        }

        await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (fetching)
            {
                if (token is { } cached && cached.Expires > time.GetUtcNow())
                {
                    return cached.Token;
                }
            }

            var fetched = await FetchAsync(oauth, cancellationToken).ConfigureAwait(false);
            lock (fetching)
            {
                token = fetched;
            }

            return fetched.Token;
        }
        finally
        {
            fetching.Release();
        }
    }

    private async Task<(string Token, DateTimeOffset Expires)> FetchAsync(HttpOAuth2Auth oauth, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", oauth.ClientId),
            new("client_secret", oauth.ClientSecret.Reveal()),
        };
        if (oauth.Scope is { } scope)
        {
            form.Add(new("scope", scope));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, oauth.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ActivationException($"Activation '{activation}': the token endpoint {oauth.TokenUrl} could not be reached: {Notifications.NoticeSender.Describe(e)}", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new ActivationException($"Activation '{activation}': the token endpoint {oauth.TokenUrl} answered {(int)response.StatusCode}: {redactor.Keep(text, 300)}")
                {
                    Hint = "Check client_id, client_secret and scope of the destination's auth.",
                };
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var accessToken = root.TryGetProperty("access_token", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonException("no access_token");
                redactor.Add(accessToken);
                var lifetime = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromHours(1);
                TokensFetched++;
                return (accessToken, time.GetUtcNow() + (lifetime > ExpiryMargin * 2 ? lifetime - ExpiryMargin : lifetime / 2));
            }
            catch (JsonException e)
            {
                throw new ActivationException($"Activation '{activation}': the token endpoint {oauth.TokenUrl} answered without an access_token: {e.Message}", e);
            }
        }
    }
}
