using Nagare.Connectors.Common;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Postgres;

/// <summary>Statements people write (pipeline <c>sql</c> steps), on a pooled session under the connection's concurrency limit.</summary>
public sealed partial class PostgresConnection : ISqlStatements
{
    /// <inheritdoc/>
    public async Task<long> ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("a SQL step", cancellationToken).ConfigureAwait(false);
        return await SqlStatements.ExecuteAsync(session.Connection, sql, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> QueryColumnAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("a fan-out query", cancellationToken).ConfigureAwait(false);
        return await SqlStatements.QueryColumnAsync(session.Connection, sql, limit, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<T> ReadQueryAsync<T>(string sql, Func<System.Data.Common.DbDataReader, CancellationToken, Task<T>> consume, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("a SQL step", cancellationToken).ConfigureAwait(false);
        return await SqlStatements.ReadQueryAsync(session.Connection, sql, consume, Name, cancellationToken).ConfigureAwait(false);
    }
}
