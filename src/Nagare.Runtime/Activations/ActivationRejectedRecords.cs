using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.DuckDb;

namespace Nagare.Runtime.Activations;

/// <summary>The records an activation's destination rejected and no later run delivered, newest first.</summary>
/// <param name="Total">How many there are.</param>
/// <param name="Items">The first of them (as many as asked for).</param>
public sealed record ActivationRejectedRecords(long Total, ImmutableArray<ActivationRejectedRecord> Items)
{
    /// <summary>Reads at most <paramref name="limit"/> of the rejected records of <paramref name="activation"/> from <paramref name="warehouse"/>; none when it never rejected any.</summary>
    internal static ActivationRejectedRecords Read(DuckDbConnection warehouse, string activation, int limit)
    {
        if (!ActivationDiff.TableExists(warehouse, activation + "__rejected"))
        {
            return new ActivationRejectedRecords(0, []);
        }

        var table = ActivationTables.Rejected(activation);
        var total = warehouse.ExecuteScalar<long>($"SELECT count(*) FROM {table}");
        using var command = warehouse.CreateCommand();
        command.CommandText = $"SELECT key, operation, record, http_status, response, error, run_id, rejected_at FROM {table} ORDER BY rejected_at DESC, key LIMIT {limit}";
        using var reader = command.ExecuteReader();
        var items = ImmutableArray.CreateBuilder<ActivationRejectedRecord>();
        while (reader.Read())
        {
            items.Add(new ActivationRejectedRecord(
                new ActivationRejection(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? string.Empty : reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return new ActivationRejectedRecords(total, items.ToImmutable());
    }
}

/// <summary>A rejected record with the run that last tried it and when.</summary>
/// <param name="Rejection">The record, its key and operation, and the destination's answer.</param>
/// <param name="RunId">The run that tried it last, when it ran as a run.</param>
/// <param name="RejectedAt">When.</param>
public sealed record ActivationRejectedRecord(ActivationRejection Rejection, long? RunId, DateTimeOffset? RejectedAt);
