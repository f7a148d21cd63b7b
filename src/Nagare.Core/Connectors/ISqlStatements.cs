namespace Nagare.Core.Connectors;

/// <summary>
/// Optional ability of a SQL connection: run statements a person wrote (a pipeline's <c>sql</c> step) and read one
/// column of a query (a step's fan-out items).
/// </summary>
public interface ISqlStatements
{
    /// <summary>Runs <paramref name="sql"/> (one or more statements) in one transaction; the rows they changed, when the database says.</summary>
    /// <exception cref="ConnectorException">The database refused it; the message carries its error.</exception>
    Task<long> ExecuteSqlAsync(string sql, CancellationToken cancellationToken);

    /// <summary>The first column of the query's rows as text (null values as empty text), at most <paramref name="limit"/> rows.</summary>
    /// <exception cref="ConnectorException">The database refused it, or it returned more than <paramref name="limit"/> rows.</exception>
    Task<IReadOnlyList<string>> QueryColumnAsync(string sql, int limit, CancellationToken cancellationToken);

    /// <summary>Runs the query and hands its rows, as they come, to <paramref name="consume"/>; what it returns.</summary>
    /// <exception cref="ConnectorException">The database refused the query; the message carries its error.</exception>
    Task<T> ReadQueryAsync<T>(string sql, Func<System.Data.Common.DbDataReader, CancellationToken, Task<T>> consume, CancellationToken cancellationToken);
}
