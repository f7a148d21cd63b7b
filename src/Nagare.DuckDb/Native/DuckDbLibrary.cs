using System.Reflection;
using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

/// <summary>
/// Finds and loads <c>libduckdb.so</c>. Search order: the <c>NAGARE_DUCKDB_LIBRARY</c>
/// environment variable (a file path), the application folder (where the build copies the library of the
/// NuGet package <c>DuckDB.NET.Bindings.Full</c>), a cache folder of earlier releases
/// (<c>.cache/duckdb/&lt;version&gt;/</c> above the application or working folder, or
/// <c>NAGARE_CACHE_DIR</c>), then the system loader path.
/// </summary>
public static class DuckDbLibrary
{
    /// <summary>Environment variable naming the library file to load.</summary>
    public const string PathVariable = "NAGARE_DUCKDB_LIBRARY";

    /// <summary>Version folder of the cache earlier releases fetched the library into.</summary>
    public const string PinnedPackageVersion = "1.5.6-r.1";

    /// <summary>The DuckDB release this binding's struct layouts and enums match.</summary>
    public const string ExpectedMajorMinor = "v1.5.";

    internal const string LibraryName = "duckdb";

    private static readonly Lock Gate = new();
    private static IntPtr s_handle;
    private static string? s_loadedPath;
    private static bool s_resolverSet;

    /// <summary>Path of the loaded library, once loaded.</summary>
    public static string? LoadedPath => s_loadedPath;

    /// <summary>Loads the library (once) and checks its version; throws <see cref="DuckDbLibraryException"/> with a fix.</summary>
    public static void EnsureLoaded()
    {
        if (s_handle != IntPtr.Zero)
        {
            return;
        }

        lock (Gate)
        {
            if (s_handle != IntPtr.Zero)
            {
                return;
            }

            var (handle, path) = Load();
            s_loadedPath = path;
            if (!s_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(DuckDbLibrary).Assembly, Resolve);
                s_resolverSet = true;
            }

            s_handle = handle;
            string version;
            try
            {
                version = Marshal.PtrToStringUTF8(NativeMethods.duckdb_library_version()) ?? "";
            }
            catch (EntryPointNotFoundException e)
            {
                s_handle = IntPtr.Zero;
                throw new DuckDbLibraryException($"'{path}' is not a DuckDB library ({e.Message}). {Hint}");
            }

            if (!version.StartsWith(ExpectedMajorMinor, StringComparison.Ordinal))
            {
                s_handle = IntPtr.Zero;
                throw new DuckDbLibraryException(
                    $"'{path}' is DuckDB {version}, but Nagare needs {ExpectedMajorMinor}x. {Hint}");
            }
        }
    }

    /// <summary>The DuckDB version string of the loaded library, e.g. <c>v1.5.6</c>.</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8(NativeMethods.duckdb_library_version()) ?? "";
        }
    }

    private static string Hint =>
        "Build Nagare again (dotnet build, or ./nagare): the build copies libduckdb.so from the NuGet package DuckDB.NET.Bindings.Full beside the program; " +
        $"or set {PathVariable} to the path of a DuckDB {ExpectedMajorMinor}x libduckdb.so.";

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibraryName ? s_handle : IntPtr.Zero;

    private static (IntPtr Handle, string Path) Load()
    {
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            if (!File.Exists(explicitPath))
            {
                throw new DuckDbLibraryException($"{PathVariable} names '{explicitPath}', which does not exist. {Hint}");
            }

            return (LoadFile(explicitPath), explicitPath);
        }

        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (File.Exists(candidate))
            {
                return (LoadFile(candidate), candidate);
            }
        }

        if (NativeLibrary.TryLoad("libduckdb.so", out var systemHandle))
        {
            return (systemHandle, "libduckdb.so (system loader path)");
        }

        throw new DuckDbLibraryException(
            $"libduckdb.so was not found (looked in: {string.Join(", ", tried)} and the system loader path). {Hint}");
    }

    private static IntPtr LoadFile(string path)
    {
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new DuckDbLibraryException($"'{path}' could not be loaded: {e.Message} {Hint}", e);
        }
        catch (BadImageFormatException e)
        {
            throw new DuckDbLibraryException($"'{path}' is not a valid native library for this machine: {e.Message} {Hint}", e);
        }
    }

    private static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "libduckdb.so");
        var relative = Path.Combine("duckdb", PinnedPackageVersion, "libduckdb.so");
        var cacheDir = Environment.GetEnvironmentVariable("NAGARE_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(cacheDir))
        {
            yield return Path.Combine(cacheDir, relative);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ".cache", relative);
                if (seen.Add(candidate))
                {
                    yield return candidate;
                }
            }
        }
    }
}
