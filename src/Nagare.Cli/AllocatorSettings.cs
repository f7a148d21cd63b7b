using System.Runtime.InteropServices;

namespace Nagare.Cli;

/// <summary>Settings of the C library's allocator, made before any other work starts.</summary>
internal static partial class AllocatorSettings
{
    // glibc's mallopt parameter for the most memory pools ("arenas") threads may spread over.
    private const int ArenaMaxParameter = -8;

    /// <summary>
    /// Caps glibc's memory pools at two. glibc gives busy threads pools of their own, up to eight per core, and keeps
    /// what they freed: during a 20M-row load into the warehouse DuckDB's threads grew them by about 40 MB, of which
    /// some 20 MB was in use (docs/performance.md). An explicit <c>MALLOC_ARENA_MAX</c> in the environment wins.
    /// </summary>
    public static void LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return;
        }

        try
        {
            _ = SetAllocatorOption(ArenaMaxParameter, 2);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no such pools): nothing to cap.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int SetAllocatorOption(int parameter, int value);
}
