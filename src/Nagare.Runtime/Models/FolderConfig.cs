namespace Nagare.Runtime.Models;

/// <summary>Folder-level configuration (<c>models:</c>/<c>seeds:</c> trees of dbt_project.yml), inherited by sub-folders.</summary>
internal sealed class FolderConfig
{
    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal)
    {
        "materialized", "schema", "alias", "database", "tags", "enabled", "unique_key", "incremental_strategy",
        "pre_hook", "post_hook", "pre-hook", "post-hook", "full_refresh", "on_schema_change", "meta", "docs",
        "persist_docs", "column_types", "quote_columns", "delimiter", "severity", "grants", "contract", "group",
        "access", "store_failures", "where", "limit", "warn_if", "error_if", "sql_header", "packages", "snapshot_meta_column_names",
    };

    public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FolderConfig> Children { get; } = new(StringComparer.Ordinal);

    public static FolderConfig From(YamlMap? map)
    {
        var config = new FolderConfig();
        if (map is null)
        {
            return config;
        }

        foreach (var (key, value) in map)
        {
            if (key.StartsWith('+'))
            {
                config.Values[NodeConfig.NormalizeKey(key[1..])] = value;
            }
            else if (value is YamlMap child && !KnownKeys.Contains(key))
            {
                config.Children[key] = From(child);
            }
            else
            {
                config.Values[NodeConfig.NormalizeKey(key)] = value;
            }
        }

        return config;
    }

    /// <summary>Applies the configs along <paramref name="fqn"/> (project name, folders, node name) onto <paramref name="target"/>.</summary>
    public void ApplyTo(NodeConfig target, IReadOnlyList<string> fqn, int start = 0)
    {
        target.Merge(Values);
        if (start < fqn.Count && Children.TryGetValue(fqn[start], out var child))
        {
            child.ApplyTo(target, fqn, start + 1);
        }
    }
}
