using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_value</c>.</summary>
internal sealed class DuckDbValueHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbValueHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbValueHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_value(ref h);
        return true;
    }
}
