using System.Security.Cryptography;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Tests;

/// <summary>The native library comes with the build: the NuGet package's linux-x64 copy, beside the tests.</summary>
public sealed class LibraryTests
{
    /// <summary>DuckDB 1.5.6's release library, as pinned when it was fetched from npm.</summary>
    private const string ReleaseSha256 = "3f4962cdd266eab2b479a5b5a4a6d063d279b2954ae814ed00385d553b747633";

    [Fact]
    public void EnsureLoaded_NoOverride_LoadsThePackagedLibraryBesideTheProgram()
    {
        DuckDbLibrary.EnsureLoaded();

        var beside = Path.Combine(AppContext.BaseDirectory, "libduckdb.so");
        Assert.Equal(beside, DuckDbLibrary.LoadedPath);
        Assert.Equal("v1.5.6", DuckDbLibrary.Version);
        using var file = File.OpenRead(beside);
        Assert.Equal(ReleaseSha256, Convert.ToHexStringLower(SHA256.HashData(file)));
    }
}
