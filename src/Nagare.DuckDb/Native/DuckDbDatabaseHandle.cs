using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_database</c>.</summary>
internal sealed class DuckDbDatabaseHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbDatabaseHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbDatabaseHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_close(ref h);
        return true;
    }
}
