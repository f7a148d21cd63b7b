namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Replaces every secret of a destination (tokens, passwords, keys, secret headers, tokens fetched during the run) by
/// <c>***</c> in text that is kept or shown: URLs, bodies, answers, errors. Safe for concurrent use.
/// </summary>
internal sealed class HttpRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    private readonly object gate = new();
    private string[] secrets = [];

    /// <summary>Adds a value to redact (ignored when empty).</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        lock (gate)
        {
            if (!secrets.Contains(secret, StringComparer.Ordinal))
            {
                // Longest first, so a secret holding another is masked whole.
                secrets = [.. secrets.Append(secret).OrderByDescending(s => s.Length)];
            }
        }
    }

    /// <summary><paramref name="text"/> with every secret masked.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var current = Volatile.Read(ref secrets);
        foreach (var secret in current)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary><paramref name="text"/> with every secret masked, cut to <paramref name="length"/> characters; null stays null.</summary>
    public string? Keep(string? text, int length)
    {
        if (text is null)
        {
            return null;
        }

        // Redacted before cutting, so a cut cannot leave half a secret readable.
        var redacted = Redact(text);
        return redacted.Length <= length ? redacted : string.Concat(redacted.AsSpan(0, length), "…");
    }
}
