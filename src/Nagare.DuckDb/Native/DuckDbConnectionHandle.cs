using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_connection</c>.</summary>
internal sealed class DuckDbConnectionHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbConnectionHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbConnectionHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_disconnect(ref h);
        return true;
    }
}
