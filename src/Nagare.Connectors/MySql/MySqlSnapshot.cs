using MySqlConnector;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.MySql;

/// <summary>
/// A consistent snapshot: one session inside <c>START TRANSACTION WITH CONSISTENT SNAPSHOT</c> at REPEATABLE READ. MySQL
/// cannot hand a snapshot to another session, so every read given this token runs on this session, one at a time.
/// </summary>
internal sealed class MySqlSnapshot(MySqlSession session, string token, Action<string> forget) : ISourceSnapshot
{
    private int _disposed;

    public string Token { get; } = token;

    public MySqlSession Session { get; } = session;

    /// <summary>Held by the read using the session.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        forget(Token);
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Ended here, not by the pool: a pooled session is reset only when it is taken again, and until then its open
            // transaction would keep the metadata locks of every table it read (a DROP or ALTER of them would wait).
            await using var rollback = new MySqlCommand("ROLLBACK", Session.Connection);
            await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException)
        {
            // A broken session: the pool discards it, and the server ends its transaction.
        }

        try
        {
            await Session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
            Gate.Dispose();
        }
    }
}
