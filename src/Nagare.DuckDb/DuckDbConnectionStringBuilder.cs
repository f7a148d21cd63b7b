using System.Data.Common;
using System.Globalization;

namespace Nagare.DuckDb;

/// <summary>
/// Connection string for <see cref="DuckDbConnection"/>:
/// <c>Data Source=path|:memory:;Threads=N;Memory Limit=1GB;Read Only=true</c>.
/// Any other key is passed to DuckDB as a configuration option (e.g. <c>default_order=desc</c>).
/// Extension auto-install and auto-load are off unless set, so a missing extension fails fast
/// instead of waiting on the network.
/// </summary>
public sealed class DuckDbConnectionStringBuilder : DbConnectionStringBuilder
{
    private const string DataSourceKey = "Data Source";
    private const string ThreadsKey = "Threads";
    private const string MemoryLimitKey = "Memory Limit";
    private const string ReadOnlyKey = "Read Only";

    private static readonly HashSet<string> KnownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        DataSourceKey, "DataSource", ThreadsKey, MemoryLimitKey, "memory_limit", ReadOnlyKey, "access_mode",
    };

    public DuckDbConnectionStringBuilder()
    {
    }

    public DuckDbConnectionStringBuilder(string? connectionString)
    {
        ConnectionString = connectionString ?? "";
    }

    /// <summary>Database file path, or <c>:memory:</c> (the default) for a private in-memory database.</summary>
    public string DataSource
    {
        get => Get(DataSourceKey) ?? Get("DataSource") ?? ":memory:";
        set => this[DataSourceKey] = value;
    }

    /// <summary>Worker threads DuckDB may use; null means DuckDB's default (all cores).</summary>
    public int? Threads
    {
        get => Get(ThreadsKey) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : null;
        set => Set(ThreadsKey, value?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Memory limit such as <c>1GB</c>; null means DuckDB's default (80% of RAM).</summary>
    public string? MemoryLimit
    {
        get => Get(MemoryLimitKey) ?? Get("memory_limit");
        set => Set(MemoryLimitKey, value);
    }

    /// <summary>Open the database read-only (several processes may then share the file).</summary>
    public bool ReadOnly
    {
        get => (Get(ReadOnlyKey) is { } s && bool.Parse(s)) ||
               string.Equals(Get("access_mode"), "read_only", StringComparison.OrdinalIgnoreCase);
        set => Set(ReadOnlyKey, value ? "true" : null);
    }

    /// <summary>The options given to <c>duckdb_set_config</c> at open.</summary>
    internal IEnumerable<(string Name, string Value)> NativeOptions()
    {
        var explicitKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in Keys)
        {
            if (KnownKeys.Contains(key))
            {
                continue;
            }

            explicitKeys.Add(key);
            yield return (key, Convert.ToString(this[key], CultureInfo.InvariantCulture) ?? "");
        }

        if (!explicitKeys.Contains("autoinstall_known_extensions"))
        {
            yield return ("autoinstall_known_extensions", "false");
        }

        if (!explicitKeys.Contains("autoload_known_extensions"))
        {
            yield return ("autoload_known_extensions", "false");
        }

        if (Threads is { } threads)
        {
            yield return ("threads", threads.ToString(CultureInfo.InvariantCulture));
        }

        if (MemoryLimit is { } limit)
        {
            yield return ("memory_limit", limit);
        }

        if (ReadOnly)
        {
            yield return ("access_mode", "READ_ONLY");
        }
    }

    private string? Get(string key) =>
        TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    private void Set(string key, string? value)
    {
        if (value is null)
        {
            Remove(key);
        }
        else
        {
            this[key] = value;
        }
    }
}
