namespace Nagare.Runtime.Generation;

/// <summary>Builds the values templates see (documented in docs/generate.md): plain dictionaries and lists.</summary>
internal static class TemplateContext
{
    public static Dictionary<string, object?> Layers(GenerationSettings settings) => new(StringComparer.Ordinal)
    {
        ["source"] = settings.SourceLayer,
        ["target"] = settings.TargetLayer,
        ["secret_suffix"] = settings.SecretSuffix,
    };

    public static Dictionary<string, object?> Params(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            result[key] = value;
        }

        return result;
    }

    public static Dictionary<string, object?> Table(ResolvedTable resolved, GenerationSettings settings)
    {
        var table = resolved.Table;
        var keys = resolved.Dedup?.Keys ?? [];
        var columns = new List<object?>(resolved.Columns.Length);
        foreach (var c in resolved.Columns)
        {
            columns.Add(Column(c, keys.Contains(c.Column.Name)));
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["schema"] = table.Schema,
            ["name"] = table.Name,
            ["full_name"] = table.FullName,
            ["model_name"] = resolved.ModelName,
            ["target_schema"] = resolved.TargetSchema,
            ["secret_model_name"] = resolved.SecretModelName,
            ["secret_schema"] = resolved.SecretSchema,
            ["materialized"] = settings.Materialized,
            ["masked"] = resolved.IsMasked,
            ["columns"] = columns,
            ["key_columns"] = keys.Select(k => (object?)k).ToList(),
            ["dedup"] = resolved.Dedup is { } d
                ? new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["key"] = d.Keys.Select(k => (object?)k).ToList(),
                    ["key_quoted"] = d.Keys.Select(k => (object?)SqlText.Identifier(k)).ToList(),
                    ["order_by"] = d.OrderBy.Select(k => (object?)k).ToList(),
                    ["order_by_quoted"] = d.OrderBy.Select(k => (object?)SqlText.Identifier(k)).ToList(),
                }
                : null,
            ["partition"] = resolved.Partition is { } p
                ? new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["field"] = p.Column,
                    ["granularity"] = p.Granularity,
                }
                : null,
        };
    }

    private static Dictionary<string, object?> Column(ResolvedColumn c, bool isKey) => new(StringComparer.Ordinal)
    {
        ["name"] = c.Column.Name,
        ["quoted"] = c.Quoted,
        ["ordinal"] = (long)c.Column.Ordinal,
        ["type"] = c.Column.DataType,
        ["nullable"] = c.Column.Nullable,
        ["max_length"] = (long?)c.Column.MaxLength,
        ["precision"] = (long?)c.Column.Precision,
        ["scale"] = (long?)c.Column.Scale,
        ["expression"] = c.Expression,
        ["clean_expression"] = c.CleanExpression,
        ["output_type"] = c.OutputType,
        ["clean_type"] = c.CleanType,
        ["is_key"] = isKey,
        ["cast"] = c.Cast is { } cast
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["to_type"] = cast.ToType,
                ["format"] = cast.Format,
                ["safe"] = cast.Safe,
                ["rule"] = cast.Origin.ToString(),
            }
            : null,
        ["tz"] = c.TimeZone is { } tz
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["from"] = tz.From,
                ["to"] = tz.To,
                ["rule"] = tz.Origin.ToString(),
            }
            : null,
        ["mask"] = c.Mask is { } mask
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["method"] = mask.Method,
                ["rule"] = mask.Origin.ToString(),
            }
            : null,
    };
}
