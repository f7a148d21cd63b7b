using Nagare.Core.Connectors;
using Npgsql;

namespace Nagare.Connectors.Postgres;

/// <summary>An exported snapshot, alive while its REPEATABLE READ transaction stays open.</summary>
internal sealed class PostgresSnapshot(PostgresSession session, NpgsqlTransaction transaction, string token) : ISourceSnapshot
{
    private int _disposed;

    public string Token { get; } = token;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
