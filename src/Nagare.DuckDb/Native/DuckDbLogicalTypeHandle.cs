using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_logical_type</c>.</summary>
internal sealed class DuckDbLogicalTypeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbLogicalTypeHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbLogicalTypeHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_logical_type(ref h);
        return true;
    }
}
