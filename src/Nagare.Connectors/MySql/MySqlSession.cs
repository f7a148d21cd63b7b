using MySqlConnector;

namespace Nagare.Connectors.MySql;

/// <summary>One pooled session and the concurrency slot it holds; disposing returns both.</summary>
internal sealed class MySqlSession(MySqlConnection connection, SemaphoreSlim? slot) : IAsyncDisposable
{
    private SemaphoreSlim? _slot = slot;

    public MySqlConnection Connection { get; } = connection;

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
