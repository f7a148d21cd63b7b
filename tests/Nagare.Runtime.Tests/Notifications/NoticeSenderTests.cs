using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Notifications;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Notifications;

[Trait("Category", "Integration")]
public sealed class NoticeSenderTests : IDisposable
{
    private const string HookToken = "T0001/B0002/s3cr3t-hook-token";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly ConfigLocation Location = new("notifications/ops.yml", 1, 1);
    private static readonly DateTimeOffset At = new(2026, 12, 4, 22, 30, 0, TimeSpan.Zero);

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly FakeTimeProvider clock = new();

    private static Notice AtRisk => new(
        NotificationKind.AtRisk, "daily", 42, "2026-12-05", "running", At,
        Deadline: At.AddMinutes(30), ExpectedFinish: At.AddMinutes(42), Step: "load", Error: null)
    {
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"),
    };

    private static Notice Failure => new(
        NotificationKind.Failure, "daily", 43, "2026-12-05", "failed", At,
        Deadline: null, ExpectedFinish: null, Step: "load", Error: "boom\nat line 3 of load.sql");

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task SendAsync_SignedWebhook_PostsJsonWithVerifiableSignature()
    {
        await using var receiver = new HttpReceiver();
        var channel = Webhook(receiver.UrlFor(HookToken)) with { SigningSecret = new Secret("sign-me") };

        var delivery = await Sender().SendAsync(channel, AtRisk, CancellationToken.None);

        Assert.Equal(new NoticeDelivery(true, 1, null), delivery);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/" + HookToken, request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal("at_risk", request.Header("X-Nagare-Event"));
        var timestamp = request.Header("X-Nagare-Timestamp");
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. request.Body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes("sign-me"), signed);
        Assert.Equal("sha256=" + Convert.ToHexString(expected).ToLowerInvariant(), request.Header("X-Nagare-Signature"));

        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("at_risk", json.GetProperty("kind").GetString());
        Assert.Equal("daily", json.GetProperty("pipeline").GetString());
        Assert.Equal(42, json.GetProperty("run_id").GetInt64());
        Assert.Equal("2026-12-05", json.GetProperty("logical_date").GetString());
        Assert.Equal("running", json.GetProperty("state").GetString());
        Assert.Equal("2026-12-04T22:30:00Z", json.GetProperty("at").GetString());
        Assert.Equal("2026-12-04T23:00:00Z", json.GetProperty("deadline").GetString());
        Assert.Equal("2026-12-04T23:12:00Z", json.GetProperty("expected_finish").GetString());
        Assert.Equal("load", json.GetProperty("step").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("error").ValueKind);
        Assert.Equal("daily (2026-12-05) is at risk: expected to finish 08:12 Asia/Tokyo, deadline 08:00", json.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task SendAsync_UnsignedWebhook_HasNoSignatureHeader()
    {
        await using var receiver = new HttpReceiver();

        var delivery = await Sender().SendAsync(Webhook(receiver.UrlFor(HookToken)), Failure, CancellationToken.None);

        Assert.True(delivery.Success);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("failure", request.Header("X-Nagare-Event"));
        Assert.NotNull(request.Header("X-Nagare-Timestamp"));
        Assert.Null(request.Header("X-Nagare-Signature"));
        var json = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("boom\nat line 3 of load.sql", json.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("deadline").ValueKind);
    }

    [Fact]
    public async Task SendAsync_Slack_PostsSummaryAsText()
    {
        await using var receiver = new HttpReceiver();
        var channel = new NotificationChannelConfig("team", ChannelType.Slack, Location) { Url = new Secret(receiver.UrlFor(HookToken).ToString()) };

        var delivery = await Sender().SendAsync(channel, Failure, CancellationToken.None);

        Assert.True(delivery.Success);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("""{"text":"daily (2026-12-05) failed at step load: boom"}""", request.BodyText);
        Assert.Null(request.Header("X-Nagare-Signature"));
    }

    [Fact]
    public async Task SendAsync_Email_DeliversSubjectRecipientsAndBody()
    {
        await using var receiver = new SmtpReceiver();

        var delivery = await Sender().SendAsync(Email(receiver), AtRisk, CancellationToken.None);

        Assert.Equal(new NoticeDelivery(true, 1, null), delivery);
        await receiver.WaitForAsync(1, Patience);
        var mail = Assert.Single(receiver.Messages);
        Assert.Equal("nagare@example.com", mail.From);
        Assert.Equal(["oncall@example.com", "data@example.com"], mail.Recipients);
        Assert.Equal(("nagare", "smtp-pass"), (mail.User, mail.Password));
        Assert.Equal("[Nagare] daily (2026-12-05) is at risk: expected to finish 08:12 Asia/Tokyo, deadline 08:00", mail.Subject);
        Assert.Equal("at_risk", mail.Header("X-Nagare-Event"));
        Assert.Contains("oncall@example.com", mail.Header("To"), StringComparison.Ordinal);
        var body = mail.Body;
        Assert.StartsWith("daily (2026-12-05) is at risk", body, StringComparison.Ordinal);
        foreach (var line in new[]
        {
            "Kind:            at_risk", "Pipeline:        daily", "Run:             42", "Logical date:    2026-12-05",
            "State:           running", "At:              2026-12-05T07:30:00+09:00", "Deadline:        2026-12-05T08:00:00+09:00",
            "Expected finish: 2026-12-05T08:12:00+09:00", "Step:            load",
        })
        {
            Assert.Contains(line, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SendAsync_EmailRefusedForNow_RetriesAndDelivers()
    {
        await using var receiver = new SmtpReceiver();
        receiver.ReplyToData(451);

        var delivery = await Sender().SendAsync(Email(receiver), Failure, CancellationToken.None);

        Assert.Equal(new NoticeDelivery(true, 2, null), delivery);
        Assert.Equal(2, receiver.Transactions);
        Assert.Contains("Error:\r\nboom\r\nat line 3 of load.sql", Assert.Single(receiver.Messages).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_EmailRejected_DoesNotRetry()
    {
        await using var receiver = new SmtpReceiver();
        receiver.ReplyToData(554);

        var delivery = await Sender().SendAsync(Email(receiver), Failure, CancellationToken.None);

        Assert.False(delivery.Success);
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("channel 'mail'", delivery.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp-pass", delivery.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Messages);
    }

    [Fact]
    public async Task SendAsync_ServiceUnavailableThenOk_RetriesAfterABackoff()
    {
        await using var receiver = new HttpReceiver();
        receiver.Respond(503, 200);

        var delivery = await Sender().SendAsync(Webhook(receiver.UrlFor(HookToken)), AtRisk, CancellationToken.None);

        Assert.Equal(new NoticeDelivery(true, 2, null), delivery);
        Assert.Equal(2, receiver.Requests.Count);
        var wait = Assert.Single(clock.Waits);
        Assert.InRange(wait, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    public async Task SendAsync_ClientError_DoesNotRetry(int status)
    {
        await using var receiver = new HttpReceiver();
        receiver.Respond(status, "invalid_payload " + HookToken);
        var url = receiver.UrlFor(HookToken);

        var delivery = await Sender().SendAsync(Webhook(url), AtRisk, CancellationToken.None);

        Assert.False(delivery.Success);
        Assert.Equal(1, delivery.Attempts);
        Assert.Single(receiver.Requests);
        Assert.Empty(clock.Waits);
        Assert.StartsWith($"the webhook of channel 'ops' answered {status}", delivery.Error, StringComparison.Ordinal);
        Assert.Contains("invalid_payload", delivery.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", delivery.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task SendAsync_ErrorThatMayPass_RetriesUpToTheAttempts(int status)
    {
        await using var receiver = new HttpReceiver();
        receiver.Respond(status, status, status);

        var delivery = await Sender(new NoticeRetry(3, TimeSpan.FromSeconds(1))).SendAsync(Webhook(receiver.UrlFor(HookToken)), AtRisk, CancellationToken.None);

        Assert.False(delivery.Success);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal(2, clock.Waits.Count);
        Assert.InRange(clock.Waits[1], TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_FailsWithoutShowingTheUrl()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/{HookToken}");

        var delivery = await Sender().SendAsync(Webhook(url) with { SigningSecret = new Secret("sign-me") }, AtRisk, CancellationToken.None);

        Assert.False(delivery.Success);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal(3, clock.Waits.Count);
        Assert.Equal("the webhook of channel 'ops' could not be reached: the connection was refused (attempt 4 of 4)", delivery.Error);
        Assert.DoesNotContain(url.ToString(), delivery.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(url.Authority, delivery.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_EmailConnectionRefused_ReportsFailure()
    {
        var channel = new NotificationChannelConfig("mail", ChannelType.Email, Location)
        {
            SmtpHost = "127.0.0.1", SmtpPort = ClosedPort(), From = "nagare@example.com", To = ["oncall@example.com"],
        };

        var delivery = await Sender(new NoticeRetry(2, TimeSpan.FromSeconds(1))).SendAsync(channel, Failure, CancellationToken.None);

        Assert.False(delivery.Success);
        Assert.Equal(2, delivery.Attempts);
        Assert.EndsWith("failed: the connection was refused (attempt 2 of 2)", delivery.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CanceledWhileWaitingForTheReply_Throws()
    {
        await using var receiver = new HttpReceiver();
        receiver.Respond(200, "", TimeSpan.FromMinutes(1));
        using var cancel = new CancellationTokenSource();

        var sending = Sender().SendAsync(Webhook(receiver.UrlFor(HookToken)), AtRisk, cancel.Token);
        await receiver.WaitForAsync(1, Patience);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
    }

    [Fact]
    public async Task SendAsync_AlreadyCanceled_ThrowsWithoutSending()
    {
        await using var receiver = new HttpReceiver();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Sender().SendAsync(Webhook(receiver.UrlFor(HookToken)), AtRisk, new CancellationToken(canceled: true)));

        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task SendAsync_ChannelWithoutUrl_FailsWithoutAttempt()
    {
        var delivery = await Sender().SendAsync(new NotificationChannelConfig("ops", ChannelType.Webhook, Location), AtRisk, CancellationToken.None);

        Assert.Equal(new NoticeDelivery(false, 0, "channel 'ops' has no url"), delivery);
    }

    private NoticeSender Sender(NoticeRetry? retry = null) => new(http, clock, retry);

    private static NotificationChannelConfig Webhook(Uri url) =>
        new("ops", ChannelType.Webhook, Location) { Url = new Secret(url.ToString()) };

    private static NotificationChannelConfig Email(SmtpReceiver receiver) => new("mail", ChannelType.Email, Location)
    {
        SmtpHost = receiver.Host,
        SmtpPort = receiver.Port,
        SmtpUser = "nagare",
        SmtpPassword = new Secret("smtp-pass"),
        From = "nagare@example.com",
        To = ["oncall@example.com", "data@example.com"],
    };

    /// <summary>A port nothing listens on: taken from the system, then let go.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
