using System.Globalization;
using System.Text.RegularExpressions;
using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>dbt's <c>api</c> (Relation, Column) and <c>modules</c> (datetime, re, pytz) as DuckDB projects use them.</summary>
internal static class DbtApi
{
    /// <summary>Type names dbt's Column translates (others are kept as written).</summary>
    private static readonly Dictionary<string, string> TypeLabels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = "TEXT",
        ["timestamp"] = "TIMESTAMP",
        ["float"] = "FLOAT",
        ["integer"] = "INT",
        ["boolean"] = "BOOLEAN",
    };

    public static IReadOnlyDictionary<string, object?> Api { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["Relation"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["create"] = (TemplateFunction)CreateRelation,
        },
        ["Column"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["translate_type"] = (TemplateFunction)(a => TranslateType(TemplateArguments.ToText(a.Get(0, "dtype")))),
            ["numeric_type"] = (TemplateFunction)(a => NumericType(TemplateArguments.ToText(a.Get(0, "dtype")), a.Get(1, "precision"), a.Get(2, "scale"))),
            ["create"] = (TemplateFunction)(a => ColumnValue.Create(TemplateArguments.ToText(a.Get(0, "name")), TemplateArguments.ToText(a.Get(1, "label_or_dtype")))),
        },
    };

    public static IReadOnlyDictionary<string, object?> Modules { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["datetime"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["datetime"] = new HostObject("datetime", MakeDateTime, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["now"] = (TemplateFunction)(a => Now(a.Get(0, "tz"))),
                ["utcnow"] = (TemplateFunction)(_ => TimeProvider.System.GetUtcNow().UtcDateTime),
                ["strptime"] = (TemplateFunction)(a => DateTime.ParseExact(TemplateArguments.ToText(a.Get(0, "date_string")), PythonFormat(TemplateArguments.ToText(a.Get(1, "format"))), CultureInfo.InvariantCulture)),
            }),
            ["date"] = new HostObject("date", a => new DateOnly(ToInt(a.Get(0, "year")), ToInt(a.Get(1, "month")), ToInt(a.Get(2, "day"))), new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["today"] = (TemplateFunction)(_ => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime)),
            }),
            ["timedelta"] = (TemplateFunction)(a => TimeSpan.FromDays(ToDouble(a.Keyword.GetValueOrDefault("days") ?? a.Get(0, "days")))
                + TimeSpan.FromSeconds(ToDouble(a.Keyword.GetValueOrDefault("seconds") ?? a.Get(1, "seconds")))
                + TimeSpan.FromHours(ToDouble(a.Keyword.GetValueOrDefault("hours")))
                + TimeSpan.FromMinutes(ToDouble(a.Keyword.GetValueOrDefault("minutes")))),
        },
        ["re"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["match"] = (TemplateFunction)(a => MatchOrNull(Pattern(a, anchored: true).Match(Text(a, 1, "string")))),
            ["search"] = (TemplateFunction)(a => MatchOrNull(Pattern(a, anchored: false).Match(Text(a, 1, "string")))),
            ["fullmatch"] = (TemplateFunction)(a => MatchOrNull(new Regex("^(?:" + Text(a, 0, "pattern") + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).Match(Text(a, 1, "string")))),
            ["findall"] = (TemplateFunction)(a => Pattern(a, anchored: false).Matches(Text(a, 1, "string")).Select(m => (object?)(m.Groups.Count > 1 ? m.Groups[1].Value : m.Value)).ToList()),
            ["sub"] = (TemplateFunction)(a => Pattern(a, anchored: false).Replace(Text(a, 2, "string"), Text(a, 1, "repl").Replace(@"\g<", "${", StringComparison.Ordinal))),
            ["split"] = (TemplateFunction)(a => Pattern(a, anchored: false).Split(Text(a, 1, "string")).Select(s => (object?)s).ToList()),
            ["escape"] = (TemplateFunction)(a => Regex.Escape(Text(a, 0, "pattern"))),
            ["IGNORECASE"] = 2L,
            ["I"] = 2L,
        },
        ["pytz"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["timezone"] = (TemplateFunction)(a => TimeZoneInfo.FindSystemTimeZoneById(Text(a, 0, "zone"))),
            ["utc"] = TimeZoneInfo.Utc,
            ["UTC"] = TimeZoneInfo.Utc,
        },
    };

    public static string TranslateType(string dtype) => TypeLabels.TryGetValue(dtype, out var label) ? label : dtype;

    private static string NumericType(string dtype, object? precision, object? scale) =>
        precision is null || scale is null || TemplateArguments.IsUndefined(precision) ? dtype : string.Create(CultureInfo.InvariantCulture, $"{dtype}({precision},{scale})");

    private static object? CreateRelation(TemplateArguments a)
    {
        var schema = a.Get(1, "schema") is { } s && !TemplateArguments.IsUndefined(s) ? TemplateArguments.ToText(s) : null;
        var identifier = TemplateArguments.ToText(a.Get(2, "identifier"));
        var database = a.Get(0, "database") is { } d && !TemplateArguments.IsUndefined(d) ? TemplateArguments.ToText(d) : string.Empty;
        var text = schema is null ? ProjectScanner.Quote(identifier) : $"{ProjectScanner.Quote(schema)}.{ProjectScanner.Quote(identifier)}";
        return new RelationValue(text, database, schema ?? string.Empty, identifier, null);
    }

    private static object? MakeDateTime(TemplateArguments a)
    {
        int Part(int i, string name, int fallback) => a.Get(i, name) is { } v && !TemplateArguments.IsUndefined(v) ? ToInt(v) : fallback;
        var value = new DateTime(Part(0, "year", 1), Part(1, "month", 1), Part(2, "day", 1), Part(3, "hour", 0), Part(4, "minute", 0), Part(5, "second", 0), DateTimeKind.Unspecified);
        return value.AddTicks(Part(6, "microsecond", 0) * 10L);
    }

    private static DateTime Now(object? tz)
    {
        var utc = TimeProvider.System.GetUtcNow();
        return tz is TimeZoneInfo zone ? TimeZoneInfo.ConvertTime(utc, zone).DateTime : utc.UtcDateTime;
    }

    private static Regex Pattern(TemplateArguments a, bool anchored)
    {
        var flags = a.Keyword.GetValueOrDefault("flags") is long f && (f & 2) != 0 ? RegexOptions.IgnoreCase : RegexOptions.None;
        var pattern = Text(a, 0, "pattern");
        return new Regex(anchored ? @"\G(?:" + pattern + ")" : pattern, flags | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static object? MatchOrNull(Match m) => m.Success
        ? new HostObject("match", null, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["group"] = (TemplateFunction)(a => a.Get(0, "group") is { } g && !TemplateArguments.IsUndefined(g) ? (g is string name ? m.Groups[name].Value : m.Groups[ToInt(g)].Value) : m.Value),
            ["groups"] = (TemplateFunction)(_ => m.Groups.Cast<Group>().Skip(1).Select(g => (object?)(g.Success ? g.Value : null)).ToList()),
            ["start"] = (TemplateFunction)(_ => (long)m.Index),
            ["end"] = (TemplateFunction)(_ => (long)(m.Index + m.Length)),
        })
        : null;

    private static string Text(TemplateArguments a, int i, string name) => TemplateArguments.ToText(a.Get(i, name));

    private static int ToInt(object? v) => Convert.ToInt32(v, CultureInfo.InvariantCulture);

    private static double ToDouble(object? v) => v is null || TemplateArguments.IsUndefined(v) ? 0 : Convert.ToDouble(v, CultureInfo.InvariantCulture);

    /// <summary>Python's strptime codes in .NET's custom format.</summary>
    private static string PythonFormat(string format) => format
        .Replace("%Y", "yyyy", StringComparison.Ordinal).Replace("%m", "MM", StringComparison.Ordinal).Replace("%d", "dd", StringComparison.Ordinal)
        .Replace("%H", "HH", StringComparison.Ordinal).Replace("%M", "mm", StringComparison.Ordinal).Replace("%S", "ss", StringComparison.Ordinal);
}
