using Cronos;

namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>
/// A cron expression read in a time zone: the ticks of a pipeline's <c>schedule:</c>. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Ticks follow Cronos' DST rules: a time that falls in a spring-forward gap runs once, at the end of the gap
/// (02:30 on a 02:00→03:00 day runs at 03:00); a time in a fall-back overlap runs once, at its first occurrence,
/// unless the hour (or minute, second) field is a range, step or <c>*</c>, which runs in both (so an hourly cron
/// has 23 and 25 ticks on those days). Precision is one second.
/// </remarks>
public sealed class CronSchedule
{
    private static readonly string[] FiveFields = ["minute", "hour", "day of month", "month", "day of week"];
    private static readonly string[] SixFields = ["second", .. FiveFields];

    // Backwards searches scan these windows (each beyond the last) so a frequent cron looks at an hour of ticks,
    // while a 29 February cron still finds its tick; 400 years is a whole Gregorian cycle of weekdays and leap days.
    private static readonly TimeSpan[] PreviousWindows =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32),
        TimeSpan.FromDays(400), TimeSpan.FromDays(8 * 366), TimeSpan.FromDays(50 * 366), TimeSpan.FromDays(400 * 366),
    ];

    private readonly CronExpression expression;

    private CronSchedule(string cron, CronExpression expression, TimeZoneInfo zone)
    {
        Cron = cron;
        this.expression = expression;
        Zone = zone;
    }

    /// <summary>The cron expression as given (fields separated by single spaces).</summary>
    public string Cron { get; }

    /// <summary>The zone the expression is read in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// Reads a cron expression of five fields (minute hour day-of-month month day-of-week), or six with seconds first,
    /// or a macro such as <c>@daily</c>, in the IANA time zone <paramref name="timeZone"/> (e.g. <c>Europe/Berlin</c>, <c>UTC</c>).
    /// Cronos syntax: <c>L</c>, <c>W</c>, <c>#</c>, <c>?</c> and names (<c>MON-FRI</c>, <c>JAN</c>) are accepted.
    /// </summary>
    /// <exception cref="ArgumentException">The expression or the zone is invalid; the message names the bad field or zone.</exception>
    public static CronSchedule Parse(string cron, string timeZone)
    {
        ArgumentNullException.ThrowIfNull(cron);
        ArgumentNullException.ThrowIfNull(timeZone);
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = string.Join(' ', fields);
        var macro = fields.Length == 1 && fields[0].StartsWith('@');
        if (!macro && fields.Length is not (5 or 6))
        {
            throw new ArgumentException(
                $"Cron expression '{cron}' has {fields.Length} field(s); expected 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first).",
                nameof(cron));
        }

        var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(text, format);
        }
        catch (CronFormatException e)
        {
            throw new ArgumentException(Diagnose(cron, fields, format, e), nameof(cron), e);
        }

        return new CronSchedule(text, expression, ZoneTime.Find(timeZone, nameof(timeZone)));
    }

    /// <summary>The first tick strictly after <paramref name="instant"/>, in the zone's offset; null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => expression.GetNextOccurrence(instant, Zone, inclusive: false);

    /// <summary>
    /// The last tick strictly before <paramref name="instant"/>, in the zone's offset; null when there is none within
    /// 400 years. It is the tick <see cref="NextAfter"/> would have given, DST included.
    /// </summary>
    public DateTimeOffset? PreviousBefore(DateTimeOffset instant)
    {
        // Scanned forwards rather than with Cronos' backwards search, so a data interval always starts at the very tick
        // a scheduler ran before (both directions must agree on DST gaps and overlaps).
        var floor = DateTimeOffset.MinValue.AddDays(2);
        var to = instant;
        foreach (var window in PreviousWindows)
        {
            var from = instant - floor > window ? instant - window : floor;
            if (from < to)
            {
                DateTimeOffset? last = null;
                foreach (var tick in expression.GetOccurrences(from, to, Zone, fromInclusive: true, toInclusive: false))
                {
                    last = tick;
                }

                if (last is not null)
                {
                    return last;
                }

                to = from;
            }

            if (from == floor)
            {
                break;
            }
        }

        return null;
    }

    /// <summary>The ticks in (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>], oldest first, lazily; empty when the range is.</summary>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset fromExclusive, DateTimeOffset toInclusive) =>
        fromExclusive >= toInclusive
            ? []
            : expression.GetOccurrences(fromExclusive, toInclusive, Zone, fromInclusive: false, toInclusive: true);

    /// <summary>The expression and zone, e.g. <c>0 3 * * * (Asia/Tokyo)</c>.</summary>
    public override string ToString() => $"{Cron} ({Zone.Id})";

    // Cronos says what is wrong but not always where; parsing each field alone among wildcards finds the culprit.
    private static string Diagnose(string cron, string[] fields, CronFormat format, CronFormatException error)
    {
        if (fields.Length is 5 or 6)
        {
            var names = fields.Length == 6 ? SixFields : FiveFields;
            for (var i = 0; i < fields.Length; i++)
            {
                var probe = Enumerable.Repeat("*", fields.Length).ToArray();
                probe[i] = fields[i];
                if (!CronExpression.TryParse(string.Join(' ', probe), format, out _))
                {
                    return $"Cron expression '{cron}': the {names[i]} field '{fields[i]}' is invalid ({error.Message})";
                }
            }
        }

        return $"Cron expression '{cron}' is invalid: {error.Message}";
    }
}
