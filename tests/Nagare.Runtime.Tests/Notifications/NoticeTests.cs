using Nagare.Runtime.Notifications;
using Nagare.Runtime.Pipelines;

namespace Nagare.Runtime.Tests.Notifications;

public sealed class NoticeTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 22, 30, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    [Theory]
    [InlineData(NotificationKind.Failure, "daily (2026-12-05) failed at step load: boom")]
    [InlineData(NotificationKind.Recovery, "daily (2026-12-05) recovered: succeeded at 07:30 Asia/Tokyo after the previous run failed")]
    [InlineData(NotificationKind.Late, "daily (2026-12-05) is late: still running (step load) after its deadline 08:00 Asia/Tokyo, expected to finish 08:12")]
    [InlineData(NotificationKind.AtRisk, "daily (2026-12-05) is at risk: expected to finish 08:12 Asia/Tokyo, deadline 08:00")]
    public void Summary_EachKind_OneLineInTheTimeZone(NotificationKind kind, string expected)
    {
        var notice = new Notice(kind, "daily", 42, "2026-12-05", "running", At, At.AddMinutes(30), At.AddMinutes(42), "load", "boom\n  at line 3")
        {
            TimeZone = Tokyo,
        };

        Assert.Equal(expected, notice.Summary);
    }

    [Fact]
    public void Summary_TimeOnAnotherDay_ShowsTheDate()
    {
        var notice = new Notice(NotificationKind.AtRisk, "daily", 42, "2026-12-05", "running", At, At.AddHours(2), At.AddHours(26), null, null);

        Assert.Equal("daily (2026-12-05) is at risk: expected to finish 2026-12-06 00:30 UTC, deadline 2026-12-05 00:30", notice.Summary);
    }

    [Fact]
    public void Summary_FailureWithoutStepOrError_SaysFailed()
    {
        var notice = new Notice(NotificationKind.Failure, "daily", 42, "2026-12-05", "failed", At, null, null, null, null);

        Assert.Equal("daily (2026-12-05) failed", notice.Summary);
    }

    [Theory]
    [InlineData(NotificationKind.Failure, "failure")]
    [InlineData(NotificationKind.Recovery, "recovery")]
    [InlineData(NotificationKind.Late, "late")]
    [InlineData(NotificationKind.AtRisk, "at_risk")]
    public void EventNameOf_EachKind_IsSnakeCase(NotificationKind kind, string expected) => Assert.Equal(expected, Notice.EventNameOf(kind));
}
