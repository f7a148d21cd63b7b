namespace Nagare.Core.Connectors;

/// <summary>A live snapshot; readers pass <see cref="Token"/> in <see cref="ReadRequest.Snapshot"/>.</summary>
public interface ISourceSnapshot : IAsyncDisposable
{
    /// <summary>The snapshot's identifier (e.g. PostgreSQL's exported snapshot id).</summary>
    string Token { get; }
}
