using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_table_function</c>.</summary>
internal sealed class DuckDbTableFunctionHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbTableFunctionHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbTableFunctionHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_table_function(ref h);
        return true;
    }
}
