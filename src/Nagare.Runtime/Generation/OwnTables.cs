using Nagare.Connectors.DuckDb;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Tables Nagare creates for itself in the databases it writes: sync state and chunk bookkeeping (schema
/// <c>_nagare</c>, SQLite's <c>_nagare_sync_state</c>), quarantined rows (<c>_rejected</c> in any schema) and
/// staging or rebuild tables of loads and model builds (<c>__nagare_staging</c>, <c>__nagare_new</c>,
/// <c>_nagare_new</c>, ...). They are bookkeeping, not data, so no model is generated for them.
/// </summary>
public static class OwnTables
{
    // SQLite keeps its sync state in _nagare_sync_state; temporary tables of reads use the same prefix.
    private const string OwnPrefix = "_nagare_";

    /// <summary>True when <c>schema.table</c> is one of Nagare's own tables.</summary>
    public static bool Contains(string schema, string table)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(table);
        return schema == DuckDbWarehouseConnection.StateSchema
            || table == ReplicationExecutor.RejectedTable
            || table.StartsWith(OwnPrefix, StringComparison.Ordinal)
            || table.Contains("__nagare_", StringComparison.Ordinal)
            || table.EndsWith("_nagare_new", StringComparison.Ordinal);
    }
}
