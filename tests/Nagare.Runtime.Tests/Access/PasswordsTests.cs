using System.Security.Cryptography;
using Nagare.Runtime.Access;

namespace Nagare.Runtime.Tests.Access;

public sealed class PasswordsTests
{
    // One hash for the whole class: each costs 600,000 iterations.
    private static readonly string Stored = Passwords.Hash("correct horse");

    [Fact]
    public void Verify_RightPassword_True() => Assert.True(Passwords.Verify("correct horse", Stored));

    [Theory]
    [InlineData("correct horse ")]
    [InlineData("Correct horse")]
    [InlineData("")]
    public void Verify_WrongPassword_False(string password) => Assert.False(Passwords.Verify(password, Stored));

    [Fact]
    public void Hash_Format_NamesSchemeIterationsSaltAndHash()
    {
        var parts = Stored.Split('$');

        Assert.Equal(4, parts.Length);
        Assert.Equal(("pbkdf2-sha256", "600000"), (parts[0], parts[1]));
        var salt = Convert.FromBase64String(parts[2]);
        var hash = Convert.FromBase64String(parts[3]);
        Assert.Equal((16, 32), (salt.Length, hash.Length));
        Assert.Equal(hash, Rfc2898DeriveBytes.Pbkdf2("correct horse", salt, 600_000, HashAlgorithmName.SHA256, 32));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DifferentSalts()
    {
        var other = Passwords.Hash("correct horse");

        Assert.NotEqual(Stored, other);
        Assert.True(Passwords.Verify("correct horse", other));
    }

    [Fact]
    public void Verify_HashOfOtherIterations_VerifiesByItsOwnParameters()
    {
        var salt = new byte[16];
        var hash = Rfc2898DeriveBytes.Pbkdf2("pw", salt, 1000, HashAlgorithmName.SHA256, 32);

        Assert.True(Passwords.Verify("pw", $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}"));
        Assert.False(Passwords.Verify("pw", $"pbkdf2-sha256$1001${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha256$600000$AAAA")]
    [InlineData("pbkdf2-sha256$abc$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$not base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA")]
    [InlineData("bcrypt$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_MalformedHash_False(string hash) => Assert.False(Passwords.Verify("pw", hash));

    [Fact(Timeout = 20_000)]
    public async Task Verify_HashNamingABillionIterations_FalseWithoutComputingThem() =>
        Assert.False(await Task.Run(() => Passwords.Verify("pw", "pbkdf2-sha256$999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));

    [Fact]
    public void Verify_StoredHashWithLastByteChanged_False()
    {
        var parts = Stored.Split('$');
        var hash = Convert.FromBase64String(parts[3]);
        hash[^1] ^= 0x01;

        Assert.False(Passwords.Verify("correct horse", string.Join('$', parts[0], parts[1], parts[2], Convert.ToBase64String(hash))));
    }

    [Fact]
    public void Verify_NullHash_False() => Assert.False(Passwords.Verify("pw", null!));

    [Fact]
    public void Generate_Default_TwentyUrlSafeCharactersEachTimeDifferent()
    {
        var a = Passwords.Generate();
        var b = Passwords.Generate();

        Assert.Equal(20, a.Length);
        Assert.NotEqual(a, b);
        Assert.All(a + b, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe"));
        Assert.Equal(32, Passwords.Generate(32).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => Passwords.Generate(0));
    }
}
