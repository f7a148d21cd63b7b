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

    /// <summary>
    /// UTF-8 <paramref name="utf8"/> as <see cref="Keep(string?, int)"/> keeps text, decoding only the start that can be
    /// kept (and enough beyond it to find a secret that crosses the cut): a request body of 50 KB is not made into a
    /// string to keep its first 4 KiB.
    /// </summary>
    public string KeepUtf8(ReadOnlySpan<byte> utf8, int length)
    {
        var current = Volatile.Read(ref secrets);
        // A UTF-16 character takes at most three bytes (four bytes make two), so this many bytes hold enough characters.
        var characters = length + 1 + (current.Length == 0 ? 0 : current[0].Length);
        var bytes = (int)Math.Min(utf8.Length, ((long)characters * 3) + 3);
        return Keep(System.Text.Encoding.UTF8.GetString(utf8[..bytes]), length)!;
    }
}
