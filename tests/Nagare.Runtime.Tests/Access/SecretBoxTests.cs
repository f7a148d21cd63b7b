using Nagare.Core;
using Nagare.Runtime.Access;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Access;

public sealed class SecretBoxTests : IDisposable
{
    private static readonly Dictionary<string, string?> NoKeyVariable = new() { ["NAGARE_SECRET_KEY"] = null };

    private readonly TempProject project = new();

    private string KeyPath => project.PathOf(".nagare/secret.key");

    public void Dispose() => project.Dispose();

    [Fact]
    public void Seal_ThenOpen_SamePlaintext()
    {
        var box = SecretBox.Load(project.Root, NoKeyVariable);
        const string Secret = "p@ss wörd; with 'quotes' and ünïcode 🔑";

        var sealedValue = box.Seal("pg_password", Secret);

        Assert.Equal(Secret, box.Open("pg_password", sealedValue));
        Assert.Equal(1 + 12 + 16 + System.Text.Encoding.UTF8.GetByteCount(Secret), sealedValue.Length);
        Assert.Equal(1, sealedValue[0]);
        Assert.Equal(string.Empty, box.Open("empty", box.Seal("empty", string.Empty)));
    }

    [Fact]
    public void Seal_Twice_DifferentBytes()
    {
        var box = SecretBox.Load(project.Root, NoKeyVariable);

        Assert.NotEqual(box.Seal("s", "same"), box.Seal("s", "same"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(35)]
    public void Open_TamperedByte_FailsWithoutPlaintext(int index)
    {
        var box = SecretBox.Load(project.Root, NoKeyVariable);
        var sealedValue = box.Seal("api_key", "top-secret-value");
        sealedValue[index] ^= 0x01;

        var error = Assert.Throws<NagareException>(() => box.Open("api_key", sealedValue));

        Assert.StartsWith("Secret 'api_key' cannot be decrypted with this key (", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("top-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TruncatedValue_Fails()
    {
        var box = SecretBox.Load(project.Root, NoKeyVariable);

        Assert.Throws<NagareException>(() => box.Open("s", box.Seal("s", "value")[..28]));
    }

    [Fact]
    public void Open_UnderAnotherName_Fails()
    {
        var box = SecretBox.Load(project.Root, NoKeyVariable);
        var sealedValue = box.Seal("staging_password", "value");

        var error = Assert.Throws<NagareException>(() => box.Open("prod_password", sealedValue));

        Assert.StartsWith("Secret 'prod_password' cannot be decrypted with this key (", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WithAnotherKey_FailsNamingTheKeySourceNotTheKey()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var sealedValue = SecretBox.Load(project.Root, NoKeyVariable).Seal("s", "value");
        var other = SecretBox.Load(project.Root, new Dictionary<string, string?> { ["NAGARE_SECRET_KEY"] = key });

        var error = Assert.Throws<NagareException>(() => other.Open("s", sealedValue));

        Assert.Contains("NAGARE_SECRET_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(KeyPath).Trim(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoKeyFile_CreatesOneReadableByOwnerOnlyAndReusesIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix file modes
        }

        Assert.False(File.Exists(KeyPath));

        var first = SecretBox.Load(project.Root, NoKeyVariable);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(KeyPath).Trim()).Length);
        Assert.Equal(Path.GetFullPath(KeyPath), first.KeySource);
        var sealedValue = first.Seal("s", "value");
        Assert.Equal("value", SecretBox.Load(project.Root, NoKeyVariable).Open("s", sealedValue));
    }

    [Fact]
    public void Load_KeyFileReadableByOthers_FailsTellingToChmod600()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix file modes
        }

        SecretBox.Load(project.Root, NoKeyVariable);
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<NagareException>(() => SecretBox.Load(project.Root, NoKeyVariable));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(KeyPath), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyFileNotAKey_Fails()
    {
        SecretBox.Load(project.Root, NoKeyVariable);
        File.WriteAllText(KeyPath, "c2hvcnQ=\n");

        var error = Assert.Throws<NagareException>(() => SecretBox.Load(project.Root, NoKeyVariable));

        Assert.Contains("32 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EnvironmentKey_UsedInsteadOfAFile()
    {
        var environment = new Dictionary<string, string?> { ["NAGARE_SECRET_KEY"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) };

        var box = SecretBox.Load(project.Root, environment);
        var sealedValue = box.Seal("s", "value");

        Assert.False(File.Exists(KeyPath));
        Assert.Equal("environment variable NAGARE_SECRET_KEY", box.KeySource);
        Assert.Equal("value", SecretBox.Load(project.Root, environment).Open("s", sealedValue));
        Assert.Throws<NagareException>(() => SecretBox.Load(project.Root, NoKeyVariable).Open("s", sealedValue));
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Load_BadEnvironmentKey_FailsSayingHowToMakeOne(string key)
    {
        var error = Assert.Throws<NagareException>(() => SecretBox.Load(project.Root, new Dictionary<string, string?> { ["NAGARE_SECRET_KEY"] = key }));

        Assert.Contains("NAGARE_SECRET_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }
}
