using System.Collections.Immutable;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Joins catalog tables with a <see cref="RuleSet"/>. For each column and each rule kind the last matching rule wins;
/// a rule naming one table or column literally that cannot apply is an error at its row, while a glob simply skips
/// what it cannot apply to. Thread-safe: tables may be resolved in parallel.
/// </summary>
public sealed class RuleResolver
{
    private readonly RuleSet _rules;
    private readonly int[] _castUses;
    private readonly int[] _zoneUses;
    private readonly int[] _maskUses;
    private readonly int[] _dedupUses;
    private readonly int[] _partitionUses;

    public RuleResolver(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _castUses = new int[rules.Casts.Length];
        _zoneUses = new int[rules.TimeZones.Length];
        _maskUses = new int[rules.Masks.Length];
        _dedupUses = new int[rules.Dedups.Length];
        _partitionUses = new int[rules.Partitions.Length];
    }

    /// <summary>True when <paramref name="pattern"/> selects <paramref name="table"/>: over <c>schema.table</c> when it has a dot, else over the name.</summary>
    public static bool MatchesTable(string pattern, CatalogTable table)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(table);
        return pattern.Contains('.', StringComparison.Ordinal)
            ? GlobPattern.IsMatch(pattern, table.FullName)
            : GlobPattern.IsMatch(pattern, table.Name);
    }

    /// <summary>Applies the rules to one table.</summary>
    public ResolvedTable Resolve(CatalogTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var casts = Matching(_rules.Casts, r => r.Table, table);
        var zones = Matching(_rules.TimeZones, r => r.Table, table);
        var masks = Matching(_rules.Masks, r => r.Table, table);
        var columns = ImmutableArray.CreateBuilder<ResolvedColumn>(table.Columns.Length);
        foreach (var column in table.Columns)
        {
            var cast = LastMatch(casts, _castUses, r => r.Column, column, r => r.FromType is null || GlobPattern.IsMatch(r.FromType.ToUpperInvariant(), column.DataType.ToUpperInvariant()));
            var zone = LastMatch(zones, _zoneUses, r => r.Column, column, null);
            var mask = LastMatch(masks, _maskUses, r => r.Column, column, null);
            columns.Add(ResolveColumn(table, column, cast, zone, mask, files));
        }

        var dedup = LastTableRule(_rules.Dedups, _dedupUses, r => r.Table, table, r => Check(r.Table, table, r.Origin, "key", r.Keys) && Check(r.Table, table, r.Origin, "order_by", r.OrderBy));
        var partition = LastTableRule(_rules.Partitions, _partitionUses, r => r.Table, table, r => Check(r.Table, table, r.Origin, "column", [r.Column]));
        if (dedup is not null)
        {
            files.Add(dedup.Origin.File);
        }

        if (partition is not null)
        {
            files.Add(partition.Origin.File);
        }

        var settings = _rules.Settings;
        var target = settings.TargetSchema(table.Schema);
        var secret = target + settings.SecretSuffix;
        return new ResolvedTable(table, columns.MoveToImmutable(), dedup, partition, ModelName(table.Schema, table.Name), target, ModelName(table.Schema + settings.SecretSuffix, table.Name), secret, [.. files]);
    }

    /// <summary>The model name generated for a table: <c>schema__table</c>, so equal table names in two schemas do not clash.</summary>
    public static string ModelName(string schema, string table) => schema + "__" + table;

    /// <summary>Rules that matched nothing so far, as <c>file:line</c> (likely typos in a pattern).</summary>
    public ImmutableArray<string> UnusedRules()
    {
        var unused = new List<RuleOrigin>();
        Collect(_rules.Casts, _castUses, r => r.Origin);
        Collect(_rules.TimeZones, _zoneUses, r => r.Origin);
        Collect(_rules.Masks, _maskUses, r => r.Origin);
        Collect(_rules.Dedups, _dedupUses, r => r.Origin);
        Collect(_rules.Partitions, _partitionUses, r => r.Origin);
        return [.. unused.OrderBy(o => o.File, StringComparer.Ordinal).ThenBy(o => o.Line).Select(o => o.ToString())];

        void Collect<T>(ImmutableArray<T> rules, int[] uses, Func<T, RuleOrigin> origin)
        {
            for (var i = 0; i < rules.Length; i++)
            {
                if (Volatile.Read(ref uses[i]) == 0)
                {
                    unused.Add(origin(rules[i]));
                }
            }
        }
    }

    private static List<(T Rule, int Index)> Matching<T>(ImmutableArray<T> rules, Func<T, string> pattern, CatalogTable table)
    {
        var result = new List<(T, int)>();
        for (var i = 0; i < rules.Length; i++)
        {
            if (MatchesTable(pattern(rules[i]), table))
            {
                result.Add((rules[i], i));
            }
        }

        return result;
    }

    private static T? LastMatch<T>(List<(T Rule, int Index)> rules, int[] uses, Func<T, string> columnPattern, CatalogColumn column, Func<T, bool>? also)
        where T : class
    {
        for (var i = rules.Count - 1; i >= 0; i--)
        {
            var (rule, index) = rules[i];
            if (GlobPattern.IsMatch(columnPattern(rule), column.Name) && (also is null || also(rule)))
            {
                Volatile.Write(ref uses[index], 1);
                return rule;
            }
        }

        return null;
    }

    private static T? LastTableRule<T>(ImmutableArray<T> rules, int[] uses, Func<T, string> pattern, CatalogTable table, Func<T, bool> applies)
        where T : class
    {
        for (var i = rules.Length - 1; i >= 0; i--)
        {
            if (MatchesTable(pattern(rules[i]), table) && applies(rules[i]))
            {
                Volatile.Write(ref uses[i], 1);
                return rules[i];
            }
        }

        return null;
    }

    private static bool Check(string tablePattern, CatalogTable table, RuleOrigin origin, string field, ImmutableArray<string> names)
    {
        foreach (var name in names)
        {
            if (table.Find(name) is null)
            {
                if (GlobPattern.IsLiteral(tablePattern))
                {
                    throw origin.Error(field, $"{table.FullName} has no column '{name}'");
                }

                return false;
            }
        }

        return true;
    }

    private static ResolvedColumn ResolveColumn(CatalogTable table, CatalogColumn column, CastRule? cast, TimeZoneRule? zone, MaskRule? mask, SortedSet<string> files)
    {
        var expression = SqlText.Identifier(column.Name);
        var type = column.DataType.ToUpperInvariant();
        if (cast is not null)
        {
            files.Add(cast.Origin.File);
            (expression, type) = CastExpression(expression, type, cast);
        }

        if (zone is not null)
        {
            var converted = ZoneExpression(expression, type, zone);
            if (converted is null)
            {
                if (GlobPattern.IsLiteral(zone.Column) && GlobPattern.IsLiteral(zone.Table))
                {
                    throw zone.Origin.Error("column", $"{table.FullName}.{column.Name} is {type}, not a timestamp; cast it first (casting sheet) to convert its time zone");
                }

                zone = null;
            }
            else
            {
                files.Add(zone.Origin.File);
                expression = converted;
                type = "TIMESTAMP";
            }
        }

        var clean = expression;
        var cleanType = type;
        if (mask is not null)
        {
            files.Add(mask.Origin.File);
            (expression, type) = mask.Method switch
            {
                "md5" => ($"md5(CAST({expression} AS VARCHAR))", "VARCHAR"),
                "redact" => ($"CAST(NULL AS {type})", type),
                _ => ($"sha256(CAST({expression} AS VARCHAR))", "VARCHAR"),
            };
        }

        return new ResolvedColumn(column, cast, zone, mask, clean, expression, cleanType, type);
    }

    private static (string Expression, string Type) CastExpression(string expression, string type, CastRule cast)
    {
        if (cast.Format is null)
        {
            return ($"{(cast.Safe ? "TRY_CAST" : "CAST")}({expression} AS {cast.ToType})", cast.ToType);
        }

        var text = IsText(type) ? $"NULLIF({expression}, '')" : $"CAST({expression} AS VARCHAR)";
        var parsed = $"{(cast.Safe ? "try_strptime" : "strptime")}({text}, {SqlText.Literal(cast.Format)})";
        return cast.ToType is "TIMESTAMP" or "DATETIME"
            ? (parsed, "TIMESTAMP")
            : ($"CAST({parsed} AS {cast.ToType})", cast.ToType);
    }

    private static string? ZoneExpression(string expression, string type, TimeZoneRule zone)
    {
        var to = SqlText.Literal(zone.To);
        if (type is "TIMESTAMPTZ" or "TIMESTAMP WITH TIME ZONE")
        {
            return $"timezone({to}, {expression})";
        }

        if (type is "TIMESTAMP" or "DATETIME" or "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "TIMESTAMP WITHOUT TIME ZONE")
        {
            return $"timezone({to}, timezone({SqlText.Literal(zone.From)}, {expression}))";
        }

        return null;
    }

    private static bool IsText(string type) =>
        type.StartsWith("VARCHAR", StringComparison.Ordinal) || type.StartsWith("CHAR", StringComparison.Ordinal)
        || type.StartsWith("TEXT", StringComparison.Ordinal) || type.StartsWith("STRING", StringComparison.Ordinal)
        || type.StartsWith("BPCHAR", StringComparison.Ordinal) || type.StartsWith("NVARCHAR", StringComparison.Ordinal);
}
