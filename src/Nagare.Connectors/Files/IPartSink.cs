using Nagare.Core.Batches;

namespace Nagare.Connectors.Files;

/// <summary>Turns a writer's batches into finished part files in the work folder.</summary>
internal interface IPartSink : IAsyncDisposable
{
    /// <summary>Rows received.</summary>
    long Rows { get; }

    /// <summary>Takes the batch's rows (the batch can be reused when this returns).</summary>
    ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken);

    /// <summary>Writes what is left and closes every part; with <paramref name="emptyPartIfNoRows"/>, a stream without rows still gets one file.</summary>
    Task CompleteAsync(bool emptyPartIfNoRows, CancellationToken cancellationToken);
}
