using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Runtime.Activations;

/// <summary>
/// A table of a database connection, written through the connection's replication writer, in one transaction
/// (PostgreSQL, SQLite, DuckDB): insert appends, upsert and mirror merge by key (mirror also deletes keys through
/// <see cref="IKeyDeletingWriter"/>), replace loads a new table and renames it over the old one.
/// </summary>
public sealed class DatabaseTarget(DatabaseDestination destination, IDestination connection) : IActivationTarget
{
    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, ColumnType>> DescribeAsync(CancellationToken cancellationToken)
    {
        var existing = await connection.DescribeAsync(destination.Table, cancellationToken).ConfigureAwait(false);
        return existing is null
            ? new Dictionary<string, ColumnType>()
            : existing.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public async Task<ActivationResult> SendAsync(ActivationDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var plan = delivery.Plan;
        var mode = destination.Mode switch
        {
            ActivationMode.Insert => WriteMode.Append,
            ActivationMode.Replace => WriteMode.FullRefresh,
            _ => WriteMode.Merge,
        };
        var request = new WriteRequest("activation:" + delivery.Activation.Name, destination.Table.ToString(), destination.Table, delivery.Columns, mode, destination.Key);
        await using var writer = await connection.OpenWriterAsync(request, cancellationToken).ConfigureAwait(false);
        if (destination.Mode == ActivationMode.Mirror && plan.Deletes > 0)
        {
            var deleting = writer as IKeyDeletingWriter
                ?? throw new ActivationException($"Activation '{delivery.Activation.Name}': connection '{destination.Connection}' cannot delete rows by key in its write transaction, which mirror needs; use upsert.");
            await delivery.ReadAsync(ActivationRecords.DeletedKeys, deleting.DeleteAsync, cancellationToken).ConfigureAwait(false);
        }

        await delivery.ReadAsync(plan.SendsAll ? ActivationRecords.All : ActivationRecords.Changes, writer.WriteAsync, cancellationToken).ConfigureAwait(false);
        var result = await writer.CommitAsync(null, cancellationToken).ConfigureAwait(false);
        return plan.SendsAll
            ? new ActivationResult(plan, result.RowsWritten, 0, plan.Deletes, 0, 0, 0, null, 0)
            : new ActivationResult(plan, result.RowsInserted, result.RowsUpdated, result.RowsDeleted, 0, 0, 0, null, 0);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
