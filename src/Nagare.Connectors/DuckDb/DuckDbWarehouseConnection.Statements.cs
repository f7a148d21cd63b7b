using Nagare.Connectors.Common;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.DuckDb;

/// <summary>Statements people write (pipeline <c>sql</c> steps), on a session of the connection's database.</summary>
public sealed partial class DuckDbWarehouseConnection : ISqlStatements
{
    /// <inheritdoc/>
    public async Task<long> ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqlStatements.ExecuteAsync(connection, sql, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> QueryColumnAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqlStatements.QueryColumnAsync(connection, sql, limit, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<T> ReadQueryAsync<T>(string sql, Func<System.Data.Common.DbDataReader, CancellationToken, Task<T>> consume, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqlStatements.ReadQueryAsync(connection, sql, consume, Name, cancellationToken).ConfigureAwait(false);
    }
}
