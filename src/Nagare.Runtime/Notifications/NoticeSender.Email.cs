using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Nagare.Runtime.Pipelines;

namespace Nagare.Runtime.Notifications;

/// <summary>E-mail over SMTP: one connection per attempt.</summary>
public sealed partial class NoticeSender
{
    /// <summary>Longest an SMTP attempt may take (the same as <see cref="HttpClient.Timeout"/>'s default).</summary>
    private static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(100);

    private (Func<CancellationToken, Task<Attempt>>? Send, string? Problem) PrepareMail(NotificationChannelConfig channel, Notice notice)
    {
        if (string.IsNullOrWhiteSpace(channel.SmtpHost))
        {
            return (null, $"channel '{channel.Name}' has no SMTP host");
        }

        if (string.IsNullOrWhiteSpace(channel.From) || !MailAddress.TryCreate(channel.From, out _))
        {
            return (null, $"channel '{channel.Name}' has no valid sender address");
        }

        if (channel.To.IsDefaultOrEmpty)
        {
            return (null, $"channel '{channel.Name}' has no recipients");
        }

        if (channel.To.FirstOrDefault(t => !MailAddress.TryCreate(t, out _)) is { } bad)
        {
            return (null, $"channel '{channel.Name}' has an invalid recipient address '{bad}'");
        }

        var what = $"the e-mail of channel '{channel.Name}' via {channel.SmtpHost}:{channel.SmtpPort}";
        return (ct => MailAsync(channel, notice, what, ct), null);
    }

    private static async Task<Attempt> MailAsync(NotificationChannelConfig channel, Notice notice, string what, CancellationToken ct)
    {
        using var message = new MailMessage
        {
            From = new MailAddress(channel.From!),
            Subject = "[Nagare] " + notice.Summary,
            SubjectEncoding = Encoding.UTF8,
            Body = MailBody(notice),
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        foreach (var to in channel.To)
        {
            message.To.Add(new MailAddress(to));
        }

        message.Headers.Add("X-Nagare-Event", notice.EventName);
        using var smtp = new SmtpClient(channel.SmtpHost, channel.SmtpPort)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = channel.SmtpTls,
            UseDefaultCredentials = false,
            Credentials = channel.SmtpUser is null ? null : new NetworkCredential(channel.SmtpUser, channel.SmtpPassword?.Reveal() ?? ""),
        };

        // SmtpClient.Timeout bounds only the synchronous Send; the asynchronous one needs its own limit.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(SmtpTimeout);
        try
        {
            await smtp.SendMailAsync(message, timeout.Token);
            return Attempt.Delivered;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Attempt.Transient($"{what} did not finish within {SmtpTimeout.TotalSeconds:0} s");
        }
        catch (SmtpException e)
        {
            var code = e is SmtpFailedRecipientsException { InnerExceptions: [var first, ..] } ? first.StatusCode : e.StatusCode;
            var error = $"{what} failed: {Redact(Describe(e), channel)}";

            // 4xx replies say "try again later"; 5xx replies say "this will not work"; -1 is a broken connection.
            return (int)code is >= 500 and < 600 && code != SmtpStatusCode.ServiceNotAvailable
                ? Attempt.Permanent(error)
                : Attempt.Transient(error);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or InvalidOperationException)
        {
            return Attempt.Transient($"{what} failed: {Redact(Describe(e), channel)}");
        }
    }

    /// <summary>The reason of a failed SMTP exchange: the server's reply when there was one, else what broke.</summary>
    private static string Describe(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "the connection was refused";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return "its host name could not be resolved";
                case SocketException s:
                    return $"the connection failed ({s.SocketErrorCode})";
                case AuthenticationException:
                    return "the TLS handshake failed";
            }
        }

        return e.Message.ReplaceLineEndings(" ").Trim();
    }

    /// <summary>The plain-text body: the summary, then every field on its own line, the error last and whole.</summary>
    private static string MailBody(Notice notice)
    {
        var body = new StringBuilder();
        body.Append(notice.Summary).Append("\r\n\r\n");
        Line("Kind", notice.EventName);
        Line("Pipeline", notice.Pipeline);
        Line("Run", notice.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line("Logical date", notice.LogicalDate);
        Line("State", notice.RunState);
        Line("At", notice.ShowFull(notice.At));
        Line("Deadline", notice.Deadline is { } d ? notice.ShowFull(d) : null);
        Line("Expected finish", notice.ExpectedFinish is { } f ? notice.ShowFull(f) : null);
        Line("Step", notice.Step);
        if (notice.Error is { } error)
        {
            body.Append("\r\nError:\r\n").Append(error.ReplaceLineEndings("\r\n")).Append("\r\n");
        }

        return body.ToString();

        void Line(string name, string? value)
        {
            if (value is not null)
            {
                body.Append(name).Append(':').Append(' ', 16 - name.Length).Append(value).Append("\r\n");
            }
        }
    }
}
