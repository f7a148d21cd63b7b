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
            // Closing the session ends the transaction; the pool resets the session before it is used again.
            await Session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
            Gate.Dispose();
        }
    }
}
