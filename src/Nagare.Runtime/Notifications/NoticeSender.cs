using Nagare.Runtime.Pipelines;

namespace Nagare.Runtime.Notifications;

/// <summary>
/// Delivers <see cref="Notice"/>s to channels: a signed JSON POST to a webhook, a <c>{"text": ...}</c> POST to a
/// Slack-compatible incoming webhook, or an e-mail over SMTP. Failures that may pass are retried (see
/// <see cref="NoticeRetry"/>); none is thrown: <see cref="SendAsync"/> reports them. Errors name the channel and
/// never hold a secret; a webhook's URL is a secret (it usually carries the token), so it is never shown either.
/// </summary>
/// <remarks>Safe to use from several threads at once. It does not remember what it sent: sending a notice once
/// per run and kind is up to the caller.</remarks>
public sealed partial class NoticeSender
{
    /// <summary>Parts of a webhook's URL this long or longer are masked wherever they appear in an error.</summary>
    private const int MinTokenLength = 8;

    private readonly HttpClient http;
    private readonly TimeProvider timeProvider;
    private readonly NoticeRetry retry;

    /// <summary>A sender posting with <paramref name="http"/> and waiting between attempts on <paramref name="timeProvider"/>.</summary>
    /// <param name="http">Posts to webhooks; its <see cref="HttpClient.Timeout"/> bounds each attempt.</param>
    /// <param name="timeProvider">The clock of webhook timestamps and of the waits between attempts.</param>
    /// <param name="retry">Attempts and back-off; <see cref="NoticeRetry.Default"/> when null.</param>
    public NoticeSender(HttpClient http, TimeProvider timeProvider, NoticeRetry? retry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(timeProvider);
        retry ??= NoticeRetry.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(retry.Attempts, 1, nameof(retry));
        ArgumentOutOfRangeException.ThrowIfLessThan(retry.FirstBackoff, TimeSpan.Zero, nameof(retry));
        this.http = http;
        this.timeProvider = timeProvider;
        this.retry = retry;
    }

    /// <summary>Sends <paramref name="notice"/> to <paramref name="channel"/>, retrying failures that may pass.</summary>
    /// <returns>Whether it was delivered, after how many attempts, and why not.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was canceled (no other exception is thrown for delivery).</exception>
    public async Task<NoticeDelivery> SendAsync(NotificationChannelConfig channel, Notice notice, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(notice);
        ct.ThrowIfCancellationRequested();
        Func<CancellationToken, Task<Attempt>>? send;
        string? problem;
        switch (channel.Type)
        {
            case ChannelType.Webhook:
            case ChannelType.Slack:
                (send, problem) = PreparePost(channel, notice);
                break;
            case ChannelType.Email:
                (send, problem) = PrepareMail(channel, notice);
                break;
            default:
                (send, problem) = (null, $"channel '{channel.Name}' has an unknown type {channel.Type}");
                break;
        }

        if (send is null)
        {
            return new NoticeDelivery(false, 0, problem);
        }

        for (var attempt = 1; ; attempt++)
        {
            var result = await send(ct);
            if (result.Error is null)
            {
                return new NoticeDelivery(true, attempt, null);
            }

            var error = result.Error;
            if (!result.Retryable || attempt >= retry.Attempts)
            {
                return new NoticeDelivery(false, attempt, attempt > 1 ? $"{error} (attempt {attempt} of {retry.Attempts})" : error);
            }

            await Task.Delay(Backoff(attempt), timeProvider, ct);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: doubling, ±20 %.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exact = retry.FirstBackoff * Math.Pow(2, attempt - 1);
#pragma warning disable CA5394 // Jitter spreads retries; it protects nothing.
        return exact * (0.8 + (0.4 * Random.Shared.NextDouble()));
#pragma warning restore CA5394
    }

    /// <summary>Text from outside (a receiver's reply, an exception's message) with any secret of the channel it echoes masked.</summary>
    private static string Redact(string text, NotificationChannelConfig channel)
    {
        foreach (var secret in Secrets(channel).Where(s => s.Length > 0).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The channel's secrets, and the parts of its URL that may be a token on their own.</summary>
    private static IEnumerable<string> Secrets(NotificationChannelConfig channel)
    {
        foreach (var secret in new[] { channel.Url, channel.SigningSecret, channel.SmtpPassword })
        {
            if (secret?.Reveal() is { } value)
            {
                yield return value;
            }
        }

        // A receiver may quote the path or one segment of it (Slack-style URLs carry the token in the path).
        if (channel.Url is not null && Uri.TryCreate(channel.Url.Reveal(), UriKind.Absolute, out var uri))
        {
            yield return uri.UserInfo;
            yield return uri.PathAndQuery.TrimStart('/');
            foreach (var part in uri.PathAndQuery.Split('/', '?', '&', '='))
            {
                if (part.Length >= MinTokenLength)
                {
                    yield return part;
                }
            }
        }
    }

    /// <summary>One attempt: delivered when <see cref="Error"/> is null.</summary>
    private readonly record struct Attempt(string? Error, bool Retryable)
    {
        public static Attempt Delivered => new(null, false);

        public static Attempt Transient(string error) => new(error, true);

        public static Attempt Permanent(string error) => new(error, false);
    }
}
