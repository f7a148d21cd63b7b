using System.Globalization;
using Nagare.DuckDb;

namespace Nagare.Cli.Output;

/// <summary>
/// Shows <c>TIMESTAMP WITH TIME ZONE</c> values in the session's time zone, as DuckDB itself shows them
/// (<c>2024-01-01 09:00:00+09</c>); every other value as <see cref="ValueText"/> formats it.
/// </summary>
public sealed class ZonedText
{
    private readonly TimeZoneInfo? _zone;

    private ZonedText(TimeZoneInfo? zone) => _zone = zone;

    /// <summary>The zone of <paramref name="reader"/>'s session, when the reader reports one the system knows.</summary>
    public static ZonedText For(System.Data.Common.DbDataReader reader) =>
        new(reader is DuckDbDataReader { TimeZone: { Length: > 0 } name } && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : null);

    /// <summary>Text of <paramref name="value"/>; null becomes <paramref name="nullText"/>.</summary>
    public string Format(object? value, string nullText = "NULL") =>
        value is DateTimeOffset instant && _zone is not null && instant != DateTimeOffset.MaxValue && instant != DateTimeOffset.MinValue
            ? Format(TimeZoneInfo.ConvertTime(instant, _zone))
            : ValueText.Format(value, nullText);

    private static string Format(DateTimeOffset local)
    {
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        // DuckDB writes whole-hour offsets as +09 and others as +05:30.
        var zone = offset.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{offset.Hours:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{offset.Hours:00}:{offset.Minutes:00}");
        return local.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture) + zone;
    }
}
