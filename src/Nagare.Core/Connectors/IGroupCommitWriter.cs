namespace Nagare.Core.Connectors;

/// <summary>
/// A writer whose commit may be shared with other streams' (one transaction for many small tables). While such a
/// commit waits for its group it holds no source or destination session, so a caller that limits concurrent
/// streams may give the stream's slot to another one before calling <see cref="IStreamWriter.CommitAsync"/>:
/// groups then grow past the number of streams that run at once.
/// </summary>
public interface IGroupCommitWriter : IStreamWriter
{
    /// <summary>Whether the next <see cref="IStreamWriter.CommitAsync"/> joins a group (decided by what was written so far).</summary>
    bool CommitsInGroup { get; }
}
