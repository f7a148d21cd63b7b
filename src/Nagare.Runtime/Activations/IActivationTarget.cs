using Nagare.Core.Types;

namespace Nagare.Runtime.Activations;

/// <summary>
/// A kind of destination an activation sends its records to: a database table (<see cref="DatabaseTarget"/>), files
/// (<see cref="FilesTarget"/>). A new kind (an HTTP API, object storage) is one more implementation, created by
/// <see cref="ActivationService"/> from its <see cref="ActivationDestination"/> record.
/// </summary>
public interface IActivationTarget : IAsyncDisposable
{
    /// <summary>The types of the fields the destination already has (an existing table's columns), for coercion; empty when it has none.</summary>
    Task<IReadOnlyDictionary<string, ColumnType>> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sends <paramref name="delivery"/>'s records and commits them, all or nothing where the destination allows;
    /// returns what was sent. The snapshot of delivered records is advanced by the caller only after this returns.
    /// </summary>
    Task<ActivationResult> SendAsync(ActivationDelivery delivery, CancellationToken cancellationToken);
}
