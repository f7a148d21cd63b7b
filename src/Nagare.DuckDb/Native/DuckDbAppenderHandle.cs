using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_appender</c>.</summary>
internal sealed class DuckDbAppenderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbAppenderHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbAppenderHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_appender_destroy(ref h);
        return true;
    }
}
