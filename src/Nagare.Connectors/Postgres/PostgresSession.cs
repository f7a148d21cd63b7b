using Npgsql;

namespace Nagare.Connectors.Postgres;

/// <summary>One pooled session and the concurrency slot it holds; disposing returns both.</summary>
internal sealed class PostgresSession(NpgsqlConnection connection, SemaphoreSlim? slot) : IAsyncDisposable
{
    private SemaphoreSlim? _slot = slot;

    public NpgsqlConnection Connection { get; } = connection;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _slot, null)?.Release();
        }
    }
}
