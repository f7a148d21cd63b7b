using System.Text.RegularExpressions;

namespace Nagare.Server.Api;

/// <summary>Removes secrets from text bound for a log or an answer: passwords in URLs and connection strings, API tokens, keys.</summary>
public static partial class Redaction
{
    /// <summary><paramref name="text"/> with every secret it holds replaced by <c>***</c>.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = UrlPassword().Replace(text, "$1***@");
        text = KeyValuePassword().Replace(text, "$1***");
        return Token().Replace(text, "$1***");
    }

    [GeneratedRegex(@"(\w+://[^:/@\s]+:)[^@\s]+@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"((?:password|pwd|secret|token|key)\s*[=:]\s*)[^;\s,""']+", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValuePassword();

    [GeneratedRegex(@"\b(ng[rl]_)[A-Za-z0-9_\-]+")]
    private static partial Regex Token();
}
