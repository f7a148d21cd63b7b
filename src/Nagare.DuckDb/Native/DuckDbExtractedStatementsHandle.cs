using Microsoft.Win32.SafeHandles;

namespace Nagare.DuckDb.Native;

/// <summary>Owns a <c>duckdb_extracted_statements</c>.</summary>
internal sealed class DuckDbExtractedStatementsHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DuckDbExtractedStatementsHandle()
        : base(ownsHandle: true)
    {
    }

    public DuckDbExtractedStatementsHandle(IntPtr handle)
        : base(ownsHandle: true)
    {
        SetHandle(handle);
    }

    protected override bool ReleaseHandle()
    {
        var h = handle;
        NativeMethods.duckdb_destroy_extracted(ref h);
        return true;
    }
}
