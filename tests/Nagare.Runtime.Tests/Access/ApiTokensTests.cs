using System.Security.Cryptography;
using System.Text;
using Nagare.Runtime.Access;

namespace Nagare.Runtime.Tests.Access;

public sealed class ApiTokensTests
{
    [Fact]
    public void New_Token_MarkedUrlSafe32BytesWithPrefixAndHashOfItself()
    {
        var (token, prefix, hash) = ApiTokens.New();

        Assert.StartsWith("ngr_", token, StringComparison.Ordinal);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(4)).Length);
        Assert.All(token[4..], c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe"));
        Assert.Equal(token[..12], prefix);
        Assert.Equal(ApiTokens.HashOf(token), hash);
    }

    [Fact]
    public void New_Twice_DifferentTokensAndHashes()
    {
        var a = ApiTokens.New();
        var b = ApiTokens.New();

        Assert.NotEqual(a.Token, b.Token);
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void HashOf_SameToken_StableLowerHexSha256()
    {
        const string Token = "ngr_abcdefghijklmnopqrstuvwxyz";

        var hash = ApiTokens.HashOf(Token);

        Assert.Equal(hash, ApiTokens.HashOf(Token));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token))), hash);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiTokens.HashOf("abc"));
        Assert.NotEqual(hash, ApiTokens.HashOf(Token + "x"));
    }
}
