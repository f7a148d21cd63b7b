using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Nagare.Runtime.Pipelines;

namespace Nagare.Runtime.Notifications;

/// <summary>Webhooks and Slack-compatible incoming webhooks: one POST per attempt.</summary>
public sealed partial class NoticeSender
{
    /// <summary>Longest part of a refusing receiver's reply quoted in the error.</summary>
    private const int ReplyQuoteLength = 200;

    private (Func<CancellationToken, Task<Attempt>>? Send, string? Problem) PreparePost(NotificationChannelConfig channel, Notice notice)
    {
        var what = channel.Type == ChannelType.Slack ? $"the Slack webhook of channel '{channel.Name}'" : $"the webhook of channel '{channel.Name}'";
        if (channel.Url is null || string.IsNullOrWhiteSpace(channel.Url.Reveal()))
        {
            return (null, $"channel '{channel.Name}' has no url");
        }

        if (!Uri.TryCreate(channel.Url.Reveal(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return (null, $"the url of channel '{channel.Name}' is not an absolute http or https URL");
        }

        var body = channel.Type == ChannelType.Slack ? NoticeJson.Slack(notice) : NoticeJson.Webhook(notice);
        var signingKey = channel.Type == ChannelType.Webhook && channel.SigningSecret?.Reveal() is { Length: > 0 } s ? Encoding.UTF8.GetBytes(s) : null;
        return (ct => PostAsync(channel, uri, body, channel.Type == ChannelType.Webhook ? notice.EventName : null, signingKey, what, ct), null);
    }

    private async Task<Attempt> PostAsync(NotificationChannelConfig channel, Uri uri, byte[] body, string? eventName, byte[]? signingKey, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (eventName is not null)
        {
            // Taken at each attempt: receivers reject old timestamps to stop replays, and a retry is not a replay.
            var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.Add("X-Nagare-Event", eventName);
            request.Headers.Add("X-Nagare-Timestamp", timestamp);
            if (signingKey is not null)
            {
                request.Headers.Add("X-Nagare-Signature", "sha256=" + Signature(signingKey, timestamp, body));
            }
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return Attempt.Delivered;
            }

            var reply = Redact(await QuoteAsync(response, ct), channel);
            var error = $"{what} answered {status} {response.ReasonPhrase}".TrimEnd() + (reply.Length > 0 ? ": " + reply : "");
            return status is >= 500 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests
                ? Attempt.Transient(error)
                : Attempt.Permanent(error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Attempt.Transient($"{what} did not answer within {http.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            // The exception's own message names the host and port; the reason is rebuilt from its codes instead.
            return Attempt.Transient($"{what} could not be reached: {Describe(e)}");
        }
    }

    /// <summary>Lowercase hex HMAC-SHA256 of <c>timestamp + "." + body</c>.</summary>
    internal static string Signature(byte[] key, string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, signed));
    }

    internal static string Describe(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "its host name could not be resolved",
        HttpRequestError.ConnectionError => (e.InnerException as SocketException)?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "the connection was refused",
            SocketError.TimedOut => "connecting timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => "its host is unreachable",
            SocketError.ConnectionReset => "the connection was reset",
            _ => "the connection failed",
        },
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        HttpRequestError.ProxyTunnelError => "the proxy refused the connection",
        HttpRequestError.ResponseEnded => "the connection closed before a complete response",
        HttpRequestError.InvalidResponse => "the response was not valid HTTP",
        HttpRequestError.HttpProtocolError => "the HTTP exchange failed",
        HttpRequestError.ConfigurationLimitExceeded => "the response exceeded a configured limit",
        _ => "the request failed",
    };

    /// <summary>The start of the reply on one line (e.g. Slack's <c>invalid_token</c>), or empty.</summary>
    private static async Task<string> QuoteAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[ReplyQuoteLength * 4];
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            var text = string.Join(' ', Encoding.UTF8.GetString(buffer, 0, length).Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
            return text.Length <= ReplyQuoteLength ? text : string.Concat(text.AsSpan(0, ReplyQuoteLength), "…");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status is what matters; a reply that breaks off has nothing more to tell.
            return "";
        }
    }
}
