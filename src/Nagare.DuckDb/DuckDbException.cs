using System.Data.Common;

namespace Nagare.DuckDb;

/// <summary>An error reported by DuckDB; <see cref="Exception.Message"/> is DuckDB's own message.</summary>
public sealed class DuckDbException : DbException
{
    public DuckDbException()
    {
    }

    public DuckDbException(string message)
        : base(message)
    {
    }

    public DuckDbException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>DuckDB's error category (<c>duckdb_error_type</c>), 0 when unknown.</summary>
    public int ErrorType { get; init; }
}
