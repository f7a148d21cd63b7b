using System.Collections;
using System.Globalization;

namespace Nagare.Runtime.Models;

/// <summary>
/// The resolved configuration of a node: project folder configs, then YAML properties, then the file's own
/// <c>config()</c> call. Tags and hooks add up; other keys replace.
/// </summary>
public sealed class NodeConfig
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>All keys, normalized (<c>pre-hook</c> → <c>pre_hook</c>).</summary>
    public IReadOnlyDictionary<string, object?> Values => _values;

    public string Materialized => Text("materialized") ?? "view";

    /// <summary>The custom schema as written (<c>+schema</c>), before the target is applied.</summary>
    public string? Schema => Text("schema");

    public string? Alias => Text("alias");

    public bool Enabled => !_values.TryGetValue("enabled", out var v) || v is not (false or "false" or "False");

    /// <summary>The key columns of an incremental model: <c>unique_key</c> as a column, a list, or <c>"a, b"</c>.</summary>
    public IReadOnlyList<string> UniqueKey =>
        [.. Strings("unique_key").SelectMany(k => k.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    public IReadOnlyList<string> Tags => Strings("tags");

    /// <summary>
    /// The incremental strategy as configured; without one, delete+insert on the <c>unique_key</c>, else append,
    /// which is what dbt-duckdb's default strategy does, so a re-delivered key replaces its row.
    /// </summary>
    public string IncrementalStrategy => Text("incremental_strategy") ?? (UniqueKey.Count > 0 ? "delete+insert" : "append");

    public IReadOnlyList<string> PreHooks => Hooks("pre_hook");

    public IReadOnlyList<string> PostHooks => Hooks("post_hook");

    /// <summary>Test severity: <c>error</c> (default) or <c>warn</c>.</summary>
    public string Severity => (Text("severity") ?? "error").ToLowerInvariant();

    /// <summary>Whether the node may be rebuilt from scratch with <c>--full-refresh</c> (dbt's <c>full_refresh</c> config).</summary>
    public bool? FullRefresh => _values.TryGetValue("full_refresh", out var v) && v is bool b ? b : null;

    public static string NormalizeKey(string key) => key switch
    {
        "pre-hook" => "pre_hook",
        "post-hook" => "post_hook",
        "data_type" => "data_type",
        _ => key,
    };

    public NodeConfig Clone()
    {
        var copy = new NodeConfig();
        foreach (var (k, v) in _values)
        {
            copy._values[k] = v;
        }

        return copy;
    }

    /// <summary>Sets one key with the merge rules (tags and hooks accumulate).</summary>
    public void Set(string key, object? value)
    {
        key = NormalizeKey(key.TrimStart('+'));
        if (key is "pre_hook" or "post_hook")
        {
            var hooks = _values.TryGetValue(key, out var prior) && prior is List<object?> l ? new List<object?>(l) : [];
            if (value is string or IDictionary || value is not IEnumerable)
            {
                hooks.Add(value);
            }
            else
            {
                hooks.AddRange(((IEnumerable)value).Cast<object?>());
            }

            _values[key] = hooks;
            return;
        }

        if (key is "tags")
        {
            var list = _values.TryGetValue(key, out var existing) ? ToList(existing) : [];
            foreach (var item in ToList(value))
            {
                if (!list.Contains(item))
                {
                    list.Add(item);
                }
            }

            _values[key] = list;
            return;
        }

        _values[key] = value;
    }

    public void Merge(IEnumerable<KeyValuePair<string, object?>> values)
    {
        foreach (var (k, v) in values)
        {
            Set(k, v);
        }
    }

    private string? Text(string key) => _values.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    private List<string> Strings(string key) => _values.TryGetValue(key, out var v) ? ToList(v) : [];

    private List<string> Hooks(string key)
    {
        if (!_values.TryGetValue(key, out var v))
        {
            return [];
        }

        var result = new List<string>();
        foreach (var item in v is string s ? [s] : v is IEnumerable e ? e.Cast<object?>() : [v])
        {
            // dbt allows {sql: "...", transaction: false}
            var sql = item is IDictionary d ? d["sql"] : item;
            if (sql is not null && Convert.ToString(sql, CultureInfo.InvariantCulture) is { Length: > 0 } text)
            {
                result.Add(text);
            }
        }

        return result;
    }

    private static List<string> ToList(object? value) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable e => [.. e.Cast<object?>().Where(x => x is not null).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)!)],
        _ => [Convert.ToString(value, CultureInfo.InvariantCulture)!],
    };
}
