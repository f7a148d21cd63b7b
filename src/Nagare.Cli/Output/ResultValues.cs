using System.Collections;
using System.Text.Json;
using Nagare.Core.Text;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Cli.Output;

/// <summary>
/// Values read from a query result, written in the canonical text and JSON forms (<see cref="ValueFormat"/>).
/// The only policy of its own: what NULL reads as in text, and the zone a timestamptz is shown in.
/// </summary>
public static class ResultValues
{
    /// <summary>
    /// Text of <paramref name="value"/>; null and <see cref="DBNull"/> become <paramref name="nullText"/>.
    /// </summary>
    /// <param name="value">A value from a data reader.</param>
    /// <param name="nullText">What NULL reads as.</param>
    /// <param name="timeZone">Zone to show a timestamptz in (with its offset); null shows UTC with <c>Z</c>.</param>
    public static string Format(object? value, string nullText = "NULL", TimeZoneInfo? timeZone = null) =>
        value is null or DBNull ? nullText : ValueFormat.Format(Canonical(value), timeZone);

    /// <summary>Writes the JSON value of <paramref name="value"/> (<c>null</c> for NULL); a timestamptz in <paramref name="timeZone"/>.</summary>
    public static void WriteJson(Utf8JsonWriter json, object? value, TimeZoneInfo? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (value is DateTimeOffset && timeZone is not null)
        {
            json.WriteStringValue(ValueFormat.Format(value, timeZone));
            return;
        }

        ValueFormat.WriteJson(json, Canonical(value));
    }

    /// <summary>
    /// The time zone of <paramref name="reader"/>'s session (DuckDB's <c>TimeZone</c> setting when the statement ran,
    /// including a <c>SET TimeZone</c> in the user's SQL), when the system knows it; null shows UTC.
    /// </summary>
    public static TimeZoneInfo? ZoneOf(System.Data.Common.DbDataReader reader) =>
        reader is DuckDbDataReader { TimeZone: { Length: > 0 } name } && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) &&
        (zone.BaseUtcOffset != TimeSpan.Zero || zone.SupportsDaylightSavingTime)
            ? zone
            : null; // UTC by any name (UTC, Etc/UTC, GMT) is shown with Z.

    /// <summary>
    /// The canonical value of what DuckDB's reader returns for types with a reader type of their own (interval,
    /// wide decimal, union, time with zone), inside lists, structs and maps too; other values as they are.
    /// </summary>
    private static object? Canonical(object? value) => value switch
    {
        null or DBNull => null,
        string or byte[] => value,
        DuckDbInterval i => new Interval(i.Months, i.Days, i.Micros),
        DuckDbDecimal d => new DecimalValue(d.Unscaled, d.Scale),
        DuckDbUnionValue u => Canonical(u.Value),
        DuckDbTimeTz t => t.ToString(),
        IDictionary dictionary => Map(dictionary),
        IEnumerable items => items.Cast<object?>().Select(Canonical).ToArray(),
        _ => value,
    };

    /// <summary>Struct fields and map entries, keyed by their text, in their order.</summary>
    private static Dictionary<string, object?> Map(IDictionary dictionary)
    {
        var map = new Dictionary<string, object?>(dictionary.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            map[ValueFormat.Format(Canonical(entry.Key))] = Canonical(entry.Value);
        }

        return map;
    }
}
