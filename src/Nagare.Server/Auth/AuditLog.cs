using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Nagare.Runtime.Access;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Server.Auth;

/// <summary>
/// Writes the audit log: entries are queued and written to the metadata store in batches (one transaction per batch),
/// so a busy server does not make one write per request. Disposing writes what is queued.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private readonly MetadataStore store;
    private readonly TimeProvider time;
    private readonly Action<string>? log;
    private readonly Channel<AuditEntry> queue = Channel.CreateUnbounded<AuditEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    /// <summary>Starts the writer.</summary>
    public AuditLog(MetadataStore store, TimeProvider time, Action<string>? log)
    {
        this.store = store;
        this.time = time;
        this.log = log;
        writer = Task.Run(WriteAsync);
    }

    /// <summary>Queues an entry about the request <paramref name="context"/> (its caller and address).</summary>
    public void Record(HttpContext context, string action, string? target, string outcome, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Record(Caller.Of(context)?.Actor, action, target, outcome, detail, context.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>Queues an entry.</summary>
    public void Record(string? actor, string action, string? target, string outcome, string? detail, string? address) =>
        queue.Writer.TryWrite(new AuditEntry(0, time.GetUtcNow(), actor, action, Clip(target), outcome, Clip(detail), address));

    /// <summary>Waits until every entry queued so far is written (for tests and before answering audit reads).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flushes.Enqueue(done);
        queue.Writer.TryWrite(FlushMarker);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    private static readonly AuditEntry FlushMarker = new(-1, default, null, string.Empty, null, string.Empty, null, null);
    private readonly System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource> flushes = new();

    private static string? Clip(string? text) => text is { Length: > 4000 } ? text[..4000] + "…" : text;

    private async Task WriteAsync()
    {
        var batch = new List<AuditEntry>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var flush = false;
            while (batch.Count < 1000 && queue.Reader.TryRead(out var entry))
            {
                if (ReferenceEquals(entry, FlushMarker))
                {
                    flush = true;
                    continue;
                }

                batch.Add(entry);
            }

            if (batch.Count > 0)
            {
                try
                {
                    await store.AppendAuditAsync(batch, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The request that caused an entry has been answered; losing the store must not lose the line silently.
                    log?.Invoke($"audit: cannot write {batch.Count} entries to the metadata store: {e.Message}");
                }

                batch.Clear();
            }

            if (flush)
            {
                while (flushes.TryDequeue(out var done))
                {
                    done.TrySetResult();
                }
            }
        }

        while (flushes.TryDequeue(out var done))
        {
            done.TrySetResult();
        }
    }
}
