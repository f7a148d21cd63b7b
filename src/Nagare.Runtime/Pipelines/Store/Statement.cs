using System.Data.Common;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>A command to run once: disposed after use unless a <see cref="StatementCache"/> keeps it.</summary>
/// <param name="Command">The command, its parameters set.</param>
/// <param name="Cached">True when a cache owns it.</param>
internal readonly record struct Statement(DbCommand Command, bool Cached) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Cached ? ValueTask.CompletedTask : Command.DisposeAsync();
}
