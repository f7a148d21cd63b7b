using System.Collections.Immutable;
using System.Globalization;

namespace Nagare.Runtime.Configuration;

/// <summary>A <c>connections/*.yml</c> file.</summary>
/// <param name="Name">The connection's name (unique in the project).</param>
/// <param name="Type">Connector type: <c>postgres</c>, <c>sqlite</c>, <c>duckdb</c>, <c>files</c>.</param>
/// <param name="MaxConcurrency">Most streams or chunks read from or written to this connection at once.</param>
/// <param name="Settings">The connector's own keys.</param>
/// <param name="Location">Where the connection was defined.</param>
public sealed record ConnectionConfig(
    string Name,
    string Type,
    int MaxConcurrency,
    ImmutableDictionary<string, ConfigSetting> Settings,
    ConfigLocation Location)
{
    /// <summary>
    /// For a template (a connection file with <c>shards:</c>), the names of the connections its shards define
    /// (<c>NAME.SHARD</c>); empty for a plain connection. A sync whose source is the template reads every shard.
    /// </summary>
    public ImmutableArray<string> Shards { get; init; } = [];

    /// <summary>For a shard, the template that defines it; null otherwise.</summary>
    public string? Template { get; init; }

    /// <summary><paramref name="text"/> with characters other than letters, digits, <c>_</c> and <c>-</c> as <c>_</c>: a shard's name, <c>{source}</c> in a table name.</summary>
    public static string Slug(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new string([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_')]);
    }

    /// <summary>A plain value, or null when absent.</summary>
    public string? GetString(string key) => Settings.TryGetValue(key, out var setting) ? setting.Text ?? setting.Secret?.Reveal() : null;

    /// <summary>A secret value, or null when absent.</summary>
    public Secret? GetSecret(string key) =>
        Settings.TryGetValue(key, out var setting) ? setting.Secret ?? (setting.Text is null ? null : new Secret(setting.Text)) : null;

    /// <summary>A list value (a scalar counts as a list of one), empty when absent.</summary>
    public ImmutableArray<string> GetList(string key) =>
        !Settings.TryGetValue(key, out var setting) ? [] :
        !setting.Items.IsDefaultOrEmpty ? setting.Items :
        setting.Text is null ? [] : [setting.Text];

    /// <summary>A mapping value, empty when absent.</summary>
    public ImmutableSortedDictionary<string, string> GetMap(string key) =>
        Settings.TryGetValue(key, out var setting) && setting.Entries is { } entries ? entries : ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>A boolean value, or null when absent.</summary>
    /// <exception cref="ConfigException">The value is not true or false.</exception>
    public bool? GetBool(string key) => GetString(key)?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var text => throw new ConfigException(LocationOf(key), key, $"expected true or false, found '{text}'"),
    };

    /// <summary>An integer value, or null when absent.</summary>
    /// <exception cref="ConfigException">The value is not an integer.</exception>
    public int? GetInt(string key) => (int?)GetLong(key, int.MinValue, int.MaxValue);

    /// <summary>An integer value within a range, or null when absent.</summary>
    /// <exception cref="ConfigException">The value is not an integer in range.</exception>
    public long? GetLong(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!Settings.TryGetValue(key, out var setting) || setting.Text is null)
        {
            return null;
        }

        if (!long.TryParse(setting.Text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new ConfigException(setting.Location, key, $"expected an integer, found '{setting.Text}'");
        }

        return value < min || value > max ? throw new ConfigException(setting.Location, key, $"must be between {min} and {max}, found {value}") : value;
    }

    /// <summary>Where <paramref name="key"/> was written (or the connection itself).</summary>
    public ConfigLocation LocationOf(string key) => Settings.TryGetValue(key, out var setting) ? setting.Location : Location;
}
