using System.Globalization;
using System.Security.Cryptography;

namespace Nagare.Runtime.Access;

/// <summary>
/// Password hashes: PBKDF2 with SHA-256, 600,000 iterations (OWASP's advice for PBKDF2-SHA256) and a 16-byte random
/// salt, written <c>pbkdf2-sha256$600000$SALT$HASH</c> (base64) so a later change of the parameters still verifies
/// the hashes stored before it.
/// </summary>
public static class Passwords
{
    /// <summary>The iterations of new hashes.</summary>
    public const int Iterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // A stored hash names its own iterations: bounded so a hash from elsewhere cannot make a sign-in take minutes.
    private const int MaxIterations = 10_000_000;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>The hash of <paramref name="password"/>, with a new salt (two hashes of one password differ).</summary>
    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>True when <paramref name="password"/> is the one <paramref name="hash"/> was made of; false for a wrong password and for a hash not of this format.</summary>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (hash is null)
        {
            return false;
        }

        var parts = hash.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (salt.Length == 0 || expected.Length is < 16 or > 64)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A random password of <paramref name="length"/> URL-safe characters (letters, digits, <c>-</c>, <c>_</c>: 6 bits each).</summary>
    public static string Generate(int length = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        return RandomNumberGenerator.GetString(Alphabet, length);
    }
}
