using System.Globalization;
using Nagare.Runtime.Pipelines;

namespace Nagare.Runtime.Notifications;

/// <summary>A notice about one run of a pipeline: what happened, when, and against which deadline.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="RunId">The run's id.</param>
/// <param name="LogicalDate">The run's logical date, <c>yyyy-MM-dd</c>.</param>
/// <param name="RunState">The run's state when the notice was made (e.g. <c>running</c>, <c>failed</c>, <c>succeeded</c>).</param>
/// <param name="At">When the notice was made (for failure and recovery: when the run finished).</param>
/// <param name="Deadline">The deadline the run is measured against, or null.</param>
/// <param name="ExpectedFinish">When the run is expected to finish, or null when unknown or finished.</param>
/// <param name="Step">The step concerned (the failed one, or the one running), or null.</param>
/// <param name="Error">The error of a failed run, or null.</param>
public sealed record Notice(
    NotificationKind Kind,
    string Pipeline,
    long RunId,
    string LogicalDate,
    string RunState,
    DateTimeOffset At,
    DateTimeOffset? Deadline,
    DateTimeOffset? ExpectedFinish,
    string? Step,
    string? Error)
{
    // Long errors (a stack of SQL, a command's output) stay in the webhook's "error" and the e-mail's body.
    private const int SummaryErrorLength = 300;

    /// <summary>The time zone times are shown in by <see cref="Summary"/> (the pipeline's; UTC by default).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>The kind as receivers see it: <c>failure</c>, <c>recovery</c>, <c>late</c> or <c>at_risk</c>.</summary>
    public string EventName => EventNameOf(Kind);

    /// <summary>
    /// One line for people, e.g. <c>daily (2026-12-05) is at risk: expected to finish 08:12 Asia/Tokyo, deadline 08:00</c>.
    /// Times are shown in <see cref="TimeZone"/>, with the date only when it is not the day of <see cref="At"/>.
    /// </summary>
    public string Summary
    {
        get
        {
            var head = $"{Pipeline} ({LogicalDate})";
            var zone = TimeZone.Id;
            return Kind switch
            {
                NotificationKind.Failure => head + " failed" + (Step is null ? "" : $" at step {Step}") + (FirstLine(Error) is { } e ? ": " + e : ""),
                NotificationKind.Recovery => $"{head} recovered: succeeded at {Show(At)} {zone} after the previous run failed",
                NotificationKind.Late => $"{head} is late: still {RunState}" + (Step is null ? "" : $" (step {Step})")
                    + (Deadline is { } d ? $" after its deadline {Show(d)} {zone}" : " after its deadline")
                    + (ExpectedFinish is { } f ? $", expected to finish {Show(f)}" : ""),
                NotificationKind.AtRisk => (ExpectedFinish, Deadline) switch
                {
                    ({ } f, { } d) => $"{head} is at risk: expected to finish {Show(f)} {zone}, deadline {Show(d)}",
                    (null, { } d) => $"{head} is at risk of missing its deadline {Show(d)} {zone}",
                    ({ } f, null) => $"{head} is at risk: expected to finish {Show(f)} {zone}",
                    _ => $"{head} is at risk of missing its deadline",
                },
                _ => $"{head}: {EventName}",
            };
        }
    }

    /// <summary>The name receivers see for <paramref name="kind"/>: <c>failure</c>, <c>recovery</c>, <c>late</c> or <c>at_risk</c>.</summary>
    public static string EventNameOf(NotificationKind kind) => kind switch
    {
        NotificationKind.Failure => "failure",
        NotificationKind.Recovery => "recovery",
        NotificationKind.Late => "late",
        NotificationKind.AtRisk => "at_risk",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary><paramref name="time"/> in <see cref="TimeZone"/>, ISO 8601 with its offset (for bodies people read).</summary>
    internal string ShowFull(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, TimeZone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private string Show(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZone);
        var format = local.Date == TimeZoneInfo.ConvertTime(At, TimeZone).Date ? "HH:mm" : "yyyy-MM-dd HH:mm";
        return local.ToString(format, CultureInfo.InvariantCulture);
    }

    private static string? FirstLine(string? text)
    {
        var line = text?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        return line is null || line.Length <= SummaryErrorLength ? line : string.Concat(line.AsSpan(0, SummaryErrorLength), "…");
    }
}
