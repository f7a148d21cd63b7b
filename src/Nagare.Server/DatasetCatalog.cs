using System.Globalization;

namespace Nagare.Server;

/// <summary>
/// The warehouse's datasets with their table counts, read from DuckDB's catalog at most once a second and shared by
/// every request: the catalog query costs tens of milliseconds, and the dataset list is one of the most called endpoints.
/// A dataset created by a sync shows within a second.
/// </summary>
public sealed class DatasetCatalog : IDisposable
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);

    private readonly WarehouseAccess warehouse;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim refresh = new(1, 1);
    // A reference, so a reader never sees the time of one read with the list of another.
    private Snapshot? current;

    /// <summary>Creates the catalog of <paramref name="warehouse"/>.</summary>
    public DatasetCatalog(WarehouseAccess warehouse, TimeProvider time)
    {
        this.warehouse = warehouse;
        this.time = time;
    }

    /// <summary>
    /// Every dataset (schema) of the warehouse with its tables and views counted, by name; <c>main</c> too, which DuckDB
    /// marks internal but where models without a schema land.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, int Tables)>> ListAsync(CancellationToken cancellationToken)
    {
        if (current is { } fresh && time.GetUtcNow() - fresh.At < FreshFor)
        {
            return fresh.Datasets;
        }

        await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (current is { } again && time.GetUtcNow() - again.At < FreshFor)
            {
                return again.Datasets;
            }

            var read = await ReadAsync(cancellationToken).ConfigureAwait(false);
            current = new Snapshot(time.GetUtcNow(), read);
            return read;
        }
        finally
        {
            refresh.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => refresh.Dispose();

    private sealed record Snapshot(DateTimeOffset At, IReadOnlyList<(string Name, int Tables)> Datasets);

    private async Task<IReadOnlyList<(string Name, int Tables)>> ReadAsync(CancellationToken cancellationToken)
    {
        using var connection = warehouse.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.schema_name, count(o.name)
            FROM duckdb_schemas() s
            LEFT JOIN (SELECT schema_name, table_name AS name FROM duckdb_tables() WHERE database_name = current_database()
                       UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal) o
              ON o.schema_name = s.schema_name
            WHERE s.database_name = current_database() AND (NOT s.internal OR s.schema_name = 'main')
            GROUP BY s.schema_name ORDER BY s.schema_name
            """;
        var datasets = new List<(string, int)>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            datasets.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }

        return datasets;
    }
}
