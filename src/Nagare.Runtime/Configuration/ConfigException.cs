using Nagare.Core;

namespace Nagare.Runtime.Configuration;

/// <summary>A project file is invalid; the message starts with <c>file:line:column</c> and names the key.</summary>
public sealed class ConfigException : NagareException
{
    public ConfigException()
    {
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
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
    }

    /// <summary>The file, as given to the loader.</summary>
    public string? File { get; }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>1-based column.</summary>
    public int Column { get; }

    /// <summary>The key path, e.g. <c>streams[0].mode</c>.</summary>
    public string? Key { get; }
}
