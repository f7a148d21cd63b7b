namespace Nagare.Runtime.Configuration;

/// <summary>
/// <c>${secret:NAME}</c> in a project file: the secret NAME from the project's metadata store. It is answered through
/// the loader's environment lookup (names starting with <see cref="Prefix"/>), so the one substitution of project
/// files handles both kinds of reference, and a value taken from a secret is read as a <see cref="Secret"/>.
/// </summary>
public static class SecretReferences
{
    /// <summary>What a reference to a stored secret starts with inside <c>${…}</c>.</summary>
    public const string Prefix = "secret:";

    /// <summary>The reference to the secret <paramref name="name"/> as written in a file: <c>${secret:NAME}</c>.</summary>
    public static string Reference(string name) => "${" + Prefix + name + "}";

    /// <summary>The name under which the value of <paramref name="key"/> of connection <paramref name="connection"/> is stored.</summary>
    public static string ConnectionSecret(string connection, string key) => $"connection.{connection}.{key}";

    /// <summary>What the names of connection <paramref name="connection"/>'s stored secrets start with.</summary>
    public static string ConnectionPrefix(string connection) => $"connection.{connection}.";

    /// <summary>
    /// An environment lookup for <see cref="ProjectLoader"/>: <c>secret:NAME</c> is answered by <paramref name="secrets"/>
    /// (null when there is no such secret), every other name by <paramref name="environment"/> (the process environment when null).
    /// </summary>
    public static Func<string, string?> Lookup(Func<string, string?> secrets, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        environment ??= Environment.GetEnvironmentVariable;
        return name => name.StartsWith(Prefix, StringComparison.Ordinal) ? secrets(name[Prefix.Length..]) : environment(name);
    }

    /// <summary>True when <paramref name="text"/> holds a <c>${secret:…}</c> reference.</summary>
    public static bool IsIn(string? text) => text is not null && text.Contains("${" + Prefix, StringComparison.Ordinal);
}
