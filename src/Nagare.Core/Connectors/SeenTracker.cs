namespace Nagare.Core.Connectors;

/// <summary>
/// What an incremental read has seen, as the source itself tracks it (for files: each file's path, size and
/// modification time). A cursor alone misses data whose cursor value is not past the last one, such as a file
/// copied in with its old modification time kept (<c>cp -p</c>, <c>rsync -t</c>). The caller stores
/// <see cref="Current"/> with the rows, in the same commit, and passes it back as <see cref="Previous"/> next time.
/// </summary>
public sealed class SeenTracker
{
    /// <summary>The token stored by the last committed run; null when none.</summary>
    public string? Previous { get; init; }

    /// <summary>Set by a source that tracks what it reads, once the read has finished; null when the source does not.</summary>
    public string? Current { get; set; }
}
