namespace Nagare.Runtime.Pipelines;

/// <summary>
/// Wakes a waiting worker loop at once when work may be ready (a task finished, a run was created in this process),
/// so that in one process a task starts within a millisecond or so of its dependencies finishing, without polling.
/// </summary>
public sealed class WakeSignal
{
    private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the waiter (or the next one to wait).</summary>
    public void Wake() => Volatile.Read(ref signal).TrySetResult();

    /// <summary>Waits until woken or <paramref name="timeout"/> passes; a wake that came before the wait counts.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref signal);
        if (!current.Task.IsCompleted)
        {
            try
            {
                await current.Task.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        Interlocked.CompareExchange(ref signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
    }
}
