using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>
/// Owns a <c>duckdb_result</c> struct allocated in native memory (it must stay at a fixed
/// address and is passed by value to <c>duckdb_fetch_chunk</c>). Release destroys the result
/// (required even when the query failed) and frees the memory.
/// </summary>
internal sealed unsafe class DuckDbResultHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbResultHandle()
        : base(ownsHandle: true)
    {
        var memory = NativeMemory.AllocZeroed((nuint)sizeof(DuckDbResultStruct));
        SetHandle((IntPtr)memory);
    }

    /// <summary>Pointer to the struct; valid while this handle is not closed.</summary>
    public DuckDbResultStruct* Pointer => (DuckDbResultStruct*)handle;

    protected override bool ReleaseHandle()
    {
        var result = (DuckDbResultStruct*)handle;
        NativeMethods.duckdb_destroy_result(result);
        NativeMemory.Free(result);
        return true;
    }
}
