using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_config</c>.</summary>
internal sealed class DuckDbConfigHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbConfigHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbConfigHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_config(ref h);
        return true;
    }
}
