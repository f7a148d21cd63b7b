using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_prepared_statement</c>.</summary>
internal sealed class DuckDbPreparedStatementHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbPreparedStatementHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbPreparedStatementHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_prepare(ref h);
        return true;
    }
}
