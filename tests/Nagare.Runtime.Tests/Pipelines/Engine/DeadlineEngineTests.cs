using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Pipelines.Engine;

/// <summary>Expected finish times from history, and at-risk, late, failure and recovery notices delivered to a real webhook and SMTP server.</summary>
[Trait("Category", "Integration")]
public sealed class DeadlineEngineTests
{
    private const string SigningKey = "hook-signing-key";
    private static readonly DateOnly Today = new(2026, 3, 10);

    private static DateTimeOffset On(DateOnly day, int hour, int minute = 0, int second = 0) =>
        EngineHarness.Jst(day.Year, day.Month, day.Day, hour, minute, second);

    [Fact]
    public async Task TickAsync_RunBehindItsHistory_SendsAtRiskThenLateThenFailureThenRecoveryOnce()
    {
        await using var hook = new HttpReceiver();
        await using var smtp = new SmtpReceiver();
        await using var h = new EngineHarness(On(Today.AddDays(-5), 4, 59));
        h.Project.Write("notifications/hook.yml", $"type: webhook\nurl: {hook.UrlFor("hook")}\nsecret: {SigningKey}\n");
        h.Project.Write("notifications/mail.yml", $"type: email\nsmtp: {{ host: {smtp.Host}, port: {smtp.Port} }}\nfrom: nagare@example.com\nto: [team@example.com]\n");
        h.Project.Write("pipelines/daily.yml", """
            name: daily
            schedule: { cron: "0 5 * * *", timezone: Asia/Tokyo }
            deadline: "08:00 Asia/Tokyo"
            notify: [hook, mail]
            steps:
              - name: prep
                command: ["true"]
              - name: work
                after: [prep]
                command: ["true"]
              - name: publish
                after: [work]
                command: ["true"]
            """);
        await h.Load();
        var scheduler = h.Scheduler(notices: h.Notices());
        await h.TickAsync(scheduler);

        // Five earlier days: prep took 5 min, work 2 h, publish 45 min; done at 07:50, before the deadline.
        var took = new Dictionary<string, TimeSpan> { ["prep"] = TimeSpan.FromMinutes(5), ["work"] = TimeSpan.FromHours(2), ["publish"] = TimeSpan.FromMinutes(45) };
        for (var day = Today.AddDays(-5); day < Today; day = day.AddDays(1))
        {
            h.Clock.Set(On(day, 5));
            await h.TickAsync(scheduler);
            var past = (await h.RunsAsync("daily"))[^1];
            Assert.Equal(3, await h.DrainAsync(took));
            await h.TickAsync(scheduler);
            Assert.Equal((RunStates.Succeeded, "met"), ((await h.RunAsync(past.Id)).Run.State, (await h.RunAsync(past.Id)).Run.Slo));
        }

        Assert.Empty(hook.Requests);

        // Today's run is scheduled at 05:00 and on track (expected 07:50) until prep ends late, at 05:25.
        h.Clock.Set(On(Today, 5));
        await h.TickAsync(scheduler);
        var today = (await h.RunsAsync("daily"))[^1];
        Assert.Equal(("2026-03-10", "schedule"), (today.LogicalDate, today.Trigger));
        var deadline = On(Today, 8);
        Assert.Equal(deadline, today.DeadlineAt);
        Assert.Equal(On(Today, 7, 50), (await h.RunAsync(today.Id)).Run.Eta);
        Assert.Empty(hook.Requests);
        var busy = new WorkerInfo("busy-worker", true);
        var prep = await h.Store.ClaimAsync(busy, h.Clock.GetUtcNow(), TimeSpan.FromDays(2), CancellationToken.None);
        Assert.Equal((today.Id, "prep"), (prep!.RunId, prep.Step));
        h.Clock.Set(On(Today, 5, 25));
        Assert.True(await h.Store.CompleteAsync(new TaskOutcome(prep.TaskId, prep.Attempt, busy.Id, TaskOutcomeKind.Succeeded), h.Clock.GetUtcNow(), CancellationToken.None));
        var claimed = await h.Store.ClaimAsync(busy, h.Clock.GetUtcNow(), TimeSpan.FromDays(2), CancellationToken.None);
        Assert.Equal((today.Id, "work"), (claimed!.RunId, claimed.Step));

        h.Clock.Set(On(Today, 5, 30));
        await h.TickAsync(scheduler);

        // Expected: work from 05:25 for 2 h, then publish 45 min: 08:10, after the deadline.
        var atRisk = Assert.Single(hook.Requests);
        var json = JsonDocument.Parse(atRisk.Body).RootElement;
        Assert.Equal("at_risk", json.GetProperty("kind").GetString());
        Assert.Equal("daily", json.GetProperty("pipeline").GetString());
        Assert.Equal(today.Id, json.GetProperty("run_id").GetInt64());
        Assert.Equal("work", json.GetProperty("step").GetString());
        Assert.Equal(deadline, json.GetProperty("deadline").GetDateTimeOffset());
        var expectedFinish = json.GetProperty("expected_finish").GetDateTimeOffset();
        Assert.Equal(On(Today, 8, 10), expectedFinish);
        Assert.True(expectedFinish > deadline);
        Assert.True(json.GetProperty("at").GetDateTimeOffset() < deadline, "the at-risk notice comes before the deadline");
        AssertSigned(atRisk);
        await smtp.WaitForAsync(1, EngineHarness.Patience);
        Assert.Contains("at risk", Assert.Single(smtp.Messages).Subject, StringComparison.Ordinal);
        Assert.Equal<string>(["team@example.com"], smtp.Messages[0].Recipients);
        var slo = (await h.RunAsync(today.Id)).Run;
        Assert.Equal("at_risk", slo.Slo);
        Assert.Equal(On(Today, 8, 10), slo.Eta);

        h.Clock.Set(On(Today, 5, 31));
        await h.TickAsync(scheduler);
        Assert.Single(hook.Requests);
        Assert.Single(smtp.Messages);

        h.Clock.Set(On(Today, 8, 0, 1));
        await h.TickAsync(scheduler);
        Assert.Equal<string?>(["at_risk", "late"], hook.Requests.Select(r => r.Header("X-Nagare-Event")));
        await smtp.WaitForAsync(2, EngineHarness.Patience);
        Assert.Contains("late", smtp.Messages[1].Subject, StringComparison.OrdinalIgnoreCase);

        // The run fails at 08:10; the scheduler sees it two minutes later, and the notice tells when it failed.
        h.Clock.Set(On(Today, 8, 10));
        Assert.True(await h.Store.CompleteAsync(new TaskOutcome(claimed.TaskId, claimed.Attempt, busy.Id, TaskOutcomeKind.Failed, Error: "disk full"), h.Clock.GetUtcNow(), CancellationToken.None));
        h.Clock.Set(On(Today, 8, 12));
        await h.TickAsync(scheduler);
        Assert.Equal<string?>(["at_risk", "late", "failure"], hook.Requests.Select(r => r.Header("X-Nagare-Event")));
        var failure = JsonDocument.Parse(hook.Requests[2].Body).RootElement;
        Assert.Equal("step 'work': disk full", failure.GetProperty("error").GetString());
        Assert.Equal("work", failure.GetProperty("step").GetString());
        Assert.Equal(On(Today, 8, 10), failure.GetProperty("at").GetDateTimeOffset());
        var failed = await h.RunAsync(today.Id);
        Assert.Equal((RunStates.Failed, "missed"), (failed.Run.State, failed.Run.Slo));
        Assert.Equal<string>([RunStates.Succeeded, RunStates.Failed, RunStates.UpstreamFailed], failed.Steps.Select(s => s.State));
        await h.TickAsync(scheduler);
        var notices = await h.Store.ListNoticesAsync(today.Id, CancellationToken.None);
        Assert.Equal(6, notices.Count);
        Assert.All(notices.GroupBy(n => (n.Kind, n.Channel)), g => Assert.Single(g));
        Assert.All(notices, n => Assert.Equal("sent", n.State));

        // The next day's run succeeds (work takes 1 h): a recovery notice, and nothing else about it.
        var tomorrow = Today.AddDays(1);
        h.Clock.Set(On(tomorrow, 5));
        await h.TickAsync(scheduler);
        var next = (await h.RunsAsync("daily"))[^1];
        Assert.Equal("2026-03-11", next.LogicalDate);
        Assert.Equal(3, await h.DrainAsync(new Dictionary<string, TimeSpan> { ["work"] = TimeSpan.FromHours(1) }));
        h.Clock.Set(On(tomorrow, 6, 5));
        await h.TickAsync(scheduler);
        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(next.Id)).Run.State);
        Assert.Contains(await h.Store.ListNoticesAsync(next.Id, CancellationToken.None), n => n.Kind == NotificationKind.Recovery && n.Channel == "hook");
        Assert.Contains(await h.Store.ListNoticesAsync(next.Id, CancellationToken.None), n => n.Kind == NotificationKind.Recovery && n.Channel == "mail");
        Assert.Equal<string?>(["at_risk", "late", "failure", "recovery"], hook.Requests.Select(r => r.Header("X-Nagare-Event")));
        await smtp.WaitForAsync(4, EngineHarness.Patience);
        Assert.Contains("recovered: succeeded at 06:00 Asia/Tokyo", smtp.Messages[3].Subject, StringComparison.Ordinal);
        Assert.Equal(On(tomorrow, 6), JsonDocument.Parse(hook.Requests[3].Body).RootElement.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("met", (await h.RunAsync(next.Id)).Run.Slo);

        // Five earlier days and tomorrow met the deadline; today did not.
        Assert.Equal((6, 7), await h.Store.ComplianceAsync("daily", On(Today.AddDays(-6), 0), CancellationToken.None));
    }

    [Fact]
    public async Task TickAsync_StepPastItsOwnMaxDuration_SendsOneLateNoticeNamingTheStep()
    {
        await using var hook = new HttpReceiver();
        await using var h = new EngineHarness(On(Today, 4, 0));
        h.Project.Write("notifications/hook.yml", $"type: webhook\nurl: {hook.UrlFor("hook")}\n");
        h.Project.Write("pipelines/load.yml", """
            name: load
            notify: [hook]
            steps:
              - name: extract
                command: ["true"]
                deadline: { max_duration: 10m }
              - name: report
                after: [extract]
                command: ["true"]
            """);
        await h.Load();
        var scheduler = h.Scheduler(notices: h.Notices());
        var run = await h.Service().StartAsync("load", null, null, null, CancellationToken.None);
        var worker = new WorkerInfo("busy-worker", true);
        var extract = await h.Store.ClaimAsync(worker, h.Clock.GetUtcNow(), TimeSpan.FromDays(1), CancellationToken.None);
        Assert.Equal("extract", extract!.Step);

        h.Clock.Set(On(Today, 4, 9));
        await h.TickAsync(scheduler);
        Assert.Empty(hook.Requests);

        h.Clock.Set(On(Today, 4, 10, 1));
        await h.TickAsync(scheduler);
        await h.TickAsync(scheduler);
        var late = Assert.Single(hook.Requests);
        var json = JsonDocument.Parse(late.Body).RootElement;
        Assert.Equal(("late", "extract"), (json.GetProperty("kind").GetString(), json.GetProperty("step").GetString()));
        Assert.Equal(On(Today, 4, 10), json.GetProperty("deadline").GetDateTimeOffset());
        var notice = Assert.Single(await h.Store.ListNoticesAsync(run.Id, CancellationToken.None));
        Assert.Equal((NotificationKind.Late, "extract", "sent"), (notice.Kind, notice.Step, notice.State));
    }

    [Fact]
    public async Task TickAsync_RerunThatFailsAgainThenSucceeds_SendsFailureAgainThenRecovery()
    {
        await using var hook = new HttpReceiver();
        await using var h = new EngineHarness(On(Today, 4, 0));
        h.Project.Write("notifications/hook.yml", $"type: webhook\nurl: {hook.UrlFor("hook")}\n");
        h.Project.Write("pipelines/flaky.yml", """
            name: flaky
            notify: [hook]
            steps:
              - name: check
                command: ["sh", "-c", "test -f ok"]
            """);
        await h.Load();
        var scheduler = h.Scheduler(notices: h.Notices());
        var run = await h.Service().StartAsync("flaky", null, null, null, CancellationToken.None);
        await h.DrainAsync();
        await h.TickAsync(scheduler);
        Assert.True(await h.Store.RerunAsync(run.Id, h.Clock.GetUtcNow(), CancellationToken.None));
        await h.DrainAsync();
        await h.TickAsync(scheduler);
        h.Project.Write("ok", "");
        Assert.True(await h.Store.RerunAsync(run.Id, h.Clock.GetUtcNow(), CancellationToken.None));
        await h.DrainAsync();
        await h.TickAsync(scheduler);

        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(run.Id)).Run.State);
        await hook.WaitForAsync(3, EngineHarness.Patience);
        Assert.Equal<string?>(["failure", "failure", "recovery"], hook.Requests.Select(r => r.Header("X-Nagare-Event")));
    }

    private static void AssertSigned(ReceivedHttpRequest request)
    {
        var timestamp = request.Header("X-Nagare-Timestamp")!;
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. request.Body];
        var expected = "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), signed)).ToLowerInvariant();
        Assert.Equal(expected, request.Header("X-Nagare-Signature"));
        Assert.True(long.Parse(timestamp, CultureInfo.InvariantCulture) > 0);
    }
}
