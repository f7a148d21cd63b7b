namespace Nagare.DuckDb.Native;

/// <summary>The native DuckDB library is missing, unloadable or the wrong version. The message says how to fix it.</summary>
public sealed class DuckDbLibraryException : Exception
{
    public DuckDbLibraryException()
    {
    }

    public DuckDbLibraryException(string message)
        : base(message)
    {
    }

    public DuckDbLibraryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
