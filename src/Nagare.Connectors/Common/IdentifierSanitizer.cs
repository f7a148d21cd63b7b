using System.Security.Cryptography;
using System.Text;

namespace Nagare.Connectors.Common;

/// <summary>
/// Makes names safe for databases that quote identifiers: control characters (including NUL, which no
/// database keeps) become <c>_</c>, surrounding white space is trimmed, an empty name becomes <c>_</c>, and a
/// name longer than the limit is cut and given a short hash of the full name, so two long names that share
/// a prefix stay distinct. Everything else (quotes, spaces, unicode, reserved words) is kept: quoting handles it.
/// </summary>
public static class IdentifierSanitizer
{
    /// <summary>The safe form of <paramref name="identifier"/>; the same string when nothing had to change.</summary>
    /// <param name="identifier">The name.</param>
    /// <param name="maxLength">Longest name kept, in characters (at least 16).</param>
    public static string Sanitize(string identifier, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 16);
        var clean = identifier;
        if (clean.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0 || clean.Contains('\u007f', StringComparison.Ordinal))
        {
            var builder = new StringBuilder(clean.Length);
            foreach (var c in clean)
            {
                builder.Append(char.IsControl(c) ? '_' : c);
            }

            clean = builder.ToString();
        }

        clean = clean.Trim();
        if (clean.Length == 0)
        {
            return "_";
        }

        if (clean.Length <= maxLength)
        {
            return clean;
        }

        var hash = ShortHash(identifier);
        var keep = maxLength - hash.Length - 1;
        if (char.IsHighSurrogate(clean[keep - 1]))
        {
            keep--;
        }

        return clean[..keep] + "_" + hash;
    }

    /// <summary>
    /// Like <see cref="Sanitize"/>, but with the limit counted in UTF-8 bytes (PostgreSQL's rule).
    /// </summary>
    public static string SanitizeUtf8(string identifier, int maxBytes)
    {
        var clean = Sanitize(identifier, int.MaxValue);
        if (Encoding.UTF8.GetByteCount(clean) <= maxBytes)
        {
            return clean;
        }

        var hash = ShortHash(identifier);
        var budget = maxBytes - hash.Length - 1;
        var length = 0;
        var bytes = 0;
        while (length < clean.Length)
        {
            var step = char.IsHighSurrogate(clean[length]) && length + 1 < clean.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(clean.AsSpan(length, step));
            if (bytes + size > budget)
            {
                break;
            }

            bytes += size;
            length += step;
        }

        return clean[..length] + "_" + hash;
    }

    private static string ShortHash(string identifier) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identifier)).AsSpan(0, 4));
}
