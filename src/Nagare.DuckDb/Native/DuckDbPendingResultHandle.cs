using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_pending_result</c>.</summary>
internal sealed class DuckDbPendingResultHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbPendingResultHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbPendingResultHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_pending(ref h);
        return true;
    }
}
