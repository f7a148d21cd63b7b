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
    /// <summary>Whether <see cref="DescribeAsync"/> found the table.</summary>
    private bool _exists;

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, ColumnType>> DescribeAsync(CancellationToken cancellationToken)
    {
        var existing = await connection.DescribeAsync(destination.Table, cancellationToken).ConfigureAwait(false);
        _exists = existing is not null;
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
            // Only new records into an empty table (a first load): a plain COPY into the table, no upsert per row. A row
            // someone adds meanwhile under one of those keys fails the load whole; the next run upserts.
            _ when plan.Updates == 0 && plan.Deletes == 0 && await IsEmptyAsync(cancellationToken).ConfigureAwait(false) => WriteMode.Append,
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
        if (delivery.Checked is { } checks)
        {
            await checks.ConfigureAwait(false);
        }

        var result = await writer.CommitAsync(null, cancellationToken).ConfigureAwait(false);
        return plan.SendsAll
            ? new ActivationResult(plan, result.RowsWritten, 0, plan.Deletes, 0, 0, 0, null, 0)
            : new ActivationResult(plan, result.RowsInserted, result.RowsUpdated, result.RowsDeleted, 0, 0, 0, null, 0);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => connection.DisposeAsync();

    /// <summary>Whether the table, as described before the run, exists and holds no row (false when that cannot be asked).</summary>
    /// <remarks>The description is not asked again: the writer describes the table once more in its own transaction.</remarks>
    private async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        if (connection is not ISqlStatements statements || connection.Dialect is not { } dialect || !_exists)
        {
            return false;
        }

        var rows = await statements.QueryColumnAsync($"SELECT 1 FROM {dialect.QuoteTable(destination.Table.Namespace, destination.Table.Name)} LIMIT 1", 1, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0;
    }
}
