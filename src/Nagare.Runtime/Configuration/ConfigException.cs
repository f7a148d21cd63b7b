using Nagare.Core;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// A project file is invalid; the message starts with <c>file:line:column</c> and names the key. One exception may
/// carry several problems (<see cref="Problems"/>), so a user fixes every file in one round instead of one per run.
/// </summary>
public sealed class ConfigException : NagareException
{
    public ConfigException()
    {
        Problems = [this];
    }

    public ConfigException(string message)
        : base(message)
    {
        Problems = [this];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [this];
    }

    /// <summary>Creates the exception for a problem at <paramref name="location"/> with the value of <paramref name="key"/>.</summary>
    public ConfigException(ConfigLocation location, string key, string problem)
        : base($"{location}: {key}: {problem}")
    {
        ArgumentNullException.ThrowIfNull(location);
        File = location.File;
        Line = location.Line;
        Column = location.Column;
        Key = key;
        Problems = [this];
    }

    private ConfigException(IReadOnlyList<ConfigException> problems)
        : base($"{problems.Count} problems in the project files:{string.Concat(problems.Select(p => "\n  " + p.Message.ReplaceLineEndings("\n    ")))}")
    {
        Problems = problems;
    }

    /// <summary>The file, as given to the loader.</summary>
    public string? File { get; }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>1-based column.</summary>
    public int Column { get; }

    /// <summary>The key path, e.g. <c>streams[0].mode</c>.</summary>
    public string? Key { get; }

    /// <summary>Every single problem this exception reports, sorted by file, line and column; itself alone when it is one problem.</summary>
    public IReadOnlyList<ConfigException> Problems { get; }

    /// <summary>
    /// One exception reporting all of <paramref name="problems"/> (flattened and sorted by file, line and column):
    /// the problem itself when there is only one, so its message stays exactly as written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="problems"/> is empty.</exception>
    public static ConfigException Combine(IEnumerable<ConfigException> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var all = problems
            .SelectMany(p => p.Problems)
            .Distinct()
            .OrderBy(p => p.File ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(p => p.Line)
            .ThenBy(p => p.Column)
            .ToList();
        return all.Count switch
        {
            0 => throw new ArgumentException("No problems to report.", nameof(problems)),
            1 => all[0],
            _ => new ConfigException(all),
        };
    }
}
