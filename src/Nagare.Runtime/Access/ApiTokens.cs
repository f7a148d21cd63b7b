using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Nagare.Runtime.Access;

/// <summary>
/// API tokens and session ids: <c>ngr_</c> and 32 random bytes (base64url), stored only as their SHA-256. A fast hash
/// is right here, unlike for passwords: 256 random bits cannot be guessed however fast each guess is.
/// </summary>
public static class ApiTokens
{
    /// <summary>What every token starts with, so a leaked one is recognised (secret scanners, logs).</summary>
    public const string Marker = "ngr_";

    /// <summary>How many characters of a token are kept to recognise it in lists.</summary>
    public const int PrefixLength = 12;

    /// <summary>A new token: the secret to show once, its first characters, and the hash to store.</summary>
    public static (string Token, string Prefix, string Hash) New()
    {
        var token = Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, token[..PrefixLength], HashOf(token));
    }

    /// <summary>The stored form of a token or session id: SHA-256 of its UTF-8 bytes, lower-case hex.</summary>
    public static string HashOf(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
