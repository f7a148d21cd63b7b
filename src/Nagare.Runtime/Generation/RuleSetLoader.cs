using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Reads a rules folder: <c>casting*.csv</c>, <c>timezone*.csv</c>, <c>masking*.csv</c>, <c>dedup*.csv</c>,
/// <c>partitioning*.csv</c> (an <c>input_</c> prefix is accepted too) and an optional <c>generate.yml</c>.
/// Each sheet is read once; unknown sheets, unknown columns and bad values are errors naming file, line and column.
/// </summary>
public static class RuleSetLoader
{
    /// <summary>The settings file's name.</summary>
    public const string SettingsFile = "generate.yml";

    private static readonly string[] Kinds = ["casting", "timezone", "masking", "dedup", "partitioning"];

    private static readonly ImmutableArray<string> CastColumns = ["table", "column", "from_type", "to_type", "format", "safe", "note"];
    private static readonly ImmutableArray<string> TimeZoneColumns = ["table", "column", "from_tz", "to_tz", "note"];
    private static readonly ImmutableArray<string> MaskColumns = ["table", "column", "method", "note"];
    private static readonly ImmutableArray<string> DedupColumns = ["table", "key", "order_by", "note"];
    private static readonly ImmutableArray<string> PartitionColumns = ["table", "column", "granularity", "note"];
    private static readonly ImmutableArray<string> Granularities = ["hour", "day", "month", "year"];
    private static readonly ImmutableArray<string> MaskMethods = ["sha256", "md5", "redact"];

    /// <summary>Reads the rules in <paramref name="directory"/>.</summary>
    /// <param name="directory">The rules folder.</param>
    /// <param name="display">The folder as named in messages (e.g. relative to the project).</param>
    public static RuleSet Load(string directory, string display)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(display);
        if (!Directory.Exists(directory))
        {
            throw new GenerationException($"No rules folder at '{display}'.") { Hint = "Pass --rules DIR with casting.csv, masking.csv, ... (see docs/generate.md)." };
        }

        var casts = ImmutableArray.CreateBuilder<CastRule>();
        var zones = ImmutableArray.CreateBuilder<TimeZoneRule>();
        var masks = ImmutableArray.CreateBuilder<MaskRule>();
        var dedups = ImmutableArray.CreateBuilder<DedupRule>();
        var partitions = ImmutableArray.CreateBuilder<PartitionRule>();
        var files = ImmutableArray.CreateBuilder<string>();
        var settings = GenerationSettings.Default;
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var shown = Join(display, name);
            if (name == SettingsFile)
            {
                settings = LoadSettings(path, shown);
                files.Add(shown);
                continue;
            }

            if (!name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var kind = KindOf(name) ?? throw new GenerationException(shown, 1, 1, $"unknown rule sheet '{name}': its name must start with one of {string.Join(", ", Kinds)}");
            var sheet = CsvSheet.Read(path, shown);
            files.Add(shown);
            switch (kind)
            {
                case "casting":
                    ReadCasts(sheet, casts);
                    break;
                case "timezone":
                    ReadTimeZones(sheet, zones);
                    break;
                case "masking":
                    ReadMasks(sheet, masks);
                    break;
                case "dedup":
                    ReadDedups(sheet, dedups);
                    break;
                default:
                    ReadPartitions(sheet, partitions);
                    break;
            }
        }

        return new RuleSet(casts.ToImmutable(), zones.ToImmutable(), masks.ToImmutable(), dedups.ToImmutable(), partitions.ToImmutable(), settings, files.ToImmutable());
    }

    internal static string Join(string display, string name) =>
        display.Length == 0 || display == "." ? name : display.TrimEnd('/') + "/" + name;

    private static string? KindOf(string fileName)
    {
        var stem = fileName.StartsWith("input_", StringComparison.OrdinalIgnoreCase) ? fileName[6..] : fileName;
        foreach (var kind in Kinds)
        {
            if (stem.StartsWith(kind, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return null;
    }

    private static GenerationSettings LoadSettings(string path, string shown)
    {
        var yaml = YamlSection.Load(path, shown, Environment.GetEnvironmentVariable);
        var layers = yaml.Section("layers");
        var defaults = GenerationSettings.Default;
        var settings = defaults with
        {
            SourceLayer = layers?.String("source") ?? defaults.SourceLayer,
            TargetLayer = layers?.String("target") ?? defaults.TargetLayer,
            SecretSuffix = layers?.String("secret_suffix") ?? defaults.SecretSuffix,
            Materialized = yaml.String("materialized") ?? defaults.Materialized,
            Params = YamlValues.ToParams(yaml.Node("params"), shown),
        };
        layers?.RejectUnknownKeys();
        yaml.RejectUnknownKeys();
        return settings;
    }

    private static void ReadCasts(CsvSheet sheet, ImmutableArray<CastRule>.Builder rules)
    {
        Prepare(sheet, CastColumns, "table", "column", "to_type");
        foreach (var row in sheet.Rows)
        {
            var safe = sheet.Get(row, "safe").ToLowerInvariant() switch
            {
                "" or "false" or "no" or "0" => false,
                "true" or "yes" or "1" => true,
                var other => throw sheet.Error(row, "safe", $"safe must be true or false, not '{other}'"),
            };
            var format = sheet.Get(row, "format");
            rules.Add(new CastRule(
                sheet.Required(row, "table"),
                sheet.Required(row, "column"),
                NullIfEmpty(sheet.Get(row, "from_type")),
                TypeText(sheet, row, "to_type"),
                format.Length == 0 ? null : StrptimeFormat.Translate(format),
                safe,
                Origin(sheet, row)));
        }
    }

    private static void ReadTimeZones(CsvSheet sheet, ImmutableArray<TimeZoneRule>.Builder rules)
    {
        Prepare(sheet, TimeZoneColumns, "table", "column");
        foreach (var row in sheet.Rows)
        {
            rules.Add(new TimeZoneRule(
                sheet.Required(row, "table"),
                sheet.Required(row, "column"),
                Zone(sheet, row, "from_tz", "UTC"),
                Zone(sheet, row, "to_tz", "Asia/Tokyo"),
                Origin(sheet, row)));
        }
    }

    private static void ReadMasks(CsvSheet sheet, ImmutableArray<MaskRule>.Builder rules)
    {
        Prepare(sheet, MaskColumns, "table", "column");
        foreach (var row in sheet.Rows)
        {
            var method = sheet.Get(row, "method").ToLowerInvariant();
            if (method.Length == 0)
            {
                method = "sha256";
            }
            else if (!MaskMethods.Contains(method))
            {
                throw sheet.Error(row, "method", $"unknown masking method '{method}'; expected {string.Join(", ", MaskMethods)}");
            }

            rules.Add(new MaskRule(sheet.Required(row, "table"), sheet.Required(row, "column"), method, Origin(sheet, row)));
        }
    }

    private static void ReadDedups(CsvSheet sheet, ImmutableArray<DedupRule>.Builder rules)
    {
        Prepare(sheet, DedupColumns, "table", "key", "order_by");
        foreach (var row in sheet.Rows)
        {
            rules.Add(new DedupRule(sheet.Required(row, "table"), Names(sheet, row, "key"), Names(sheet, row, "order_by"), Origin(sheet, row)));
        }
    }

    private static void ReadPartitions(CsvSheet sheet, ImmutableArray<PartitionRule>.Builder rules)
    {
        Prepare(sheet, PartitionColumns, "table", "column");
        foreach (var row in sheet.Rows)
        {
            var granularity = sheet.Get(row, "granularity").ToLowerInvariant();
            if (granularity.Length == 0)
            {
                granularity = "day";
            }
            else if (!Granularities.Contains(granularity))
            {
                throw sheet.Error(row, "granularity", $"unknown granularity '{granularity}'; expected {string.Join(", ", Granularities)}");
            }

            rules.Add(new PartitionRule(sheet.Required(row, "table"), sheet.Required(row, "column"), granularity, Origin(sheet, row)));
        }
    }

    private static void Prepare(CsvSheet sheet, ImmutableArray<string> known, params string[] required)
    {
        sheet.RejectUnknownColumns(known);
        sheet.RequireColumns(required);
    }

    private static RuleOrigin Origin(CsvSheet sheet, CsvRow row) => new(sheet.Display, row.Line, sheet.Header);

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static string Zone(CsvSheet sheet, CsvRow row, string column, string fallback)
    {
        var zone = sheet.Get(row, column);
        if (zone.Length == 0)
        {
            return fallback;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            throw sheet.Error(row, column, $"unknown time zone '{zone}'; use an IANA name such as UTC or Asia/Tokyo");
        }

        return zone;
    }

    private static string TypeText(CsvSheet sheet, CsvRow row, string column)
    {
        var type = sheet.Required(row, column);
        foreach (var c in type)
        {
            // The type is pasted into SQL: allow type syntax only.
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '(' or ')' or ',' or '[' or ']'))
            {
                throw sheet.Error(row, column, $"'{type}' is not a type name");
            }
        }

        return type.ToUpperInvariant();
    }

    private static ImmutableArray<string> Names(CsvSheet sheet, CsvRow row, string column) =>
        [.. sheet.Required(row, column).Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
