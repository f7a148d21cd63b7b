using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

// DuckDB's cache of the blocks that loads write.
public sealed partial class DuckDbWarehouseConnection
{
    /// <summary>Rows written (by all writers of this connection object) between two looks at DuckDB's cache.</summary>
    internal const long CacheCheckRows = 250_000;

    /// <summary>Cached table blocks (bytes) above which a look has DuckDB drop them.</summary>
    internal const long CacheReleaseAbove = 32L << 20;

    /// <summary>
    /// Cached table blocks (bytes) a release leaves, so that work allocating while the lowered limit holds (two
    /// statements) evicts those instead of failing for lack of memory.
    /// </summary>
    internal const long CacheKeptOnRelease = 16L << 20;

    // One release at a time in the process: two connection objects may share one database instance, and one of them
    // must not read the other's lowered limit as the one to put back.
    private static readonly Lock ReleaseGate = new();

    private long _rowsWritten;
    private string? _memoryLimit;

    /// <summary>
    /// Reads the memory limit a release puts back, on the anchor as it opens. DuckDB shows its limit rounded down
    /// ("18.8 GiB"), and setting what it shows lowers the limit a little each time; so the shown default is set once
    /// here and the same text put back after every release.
    /// </summary>
    private void PinMemoryLimit(DuckDbConnection anchor)
    {
        lock (ReleaseGate)
        {
            if (Options.MemoryLimit is { } configured)
            {
                _memoryLimit = configured;
                return;
            }

            _memoryLimit = anchor.ExecuteScalar<string>("SELECT current_setting('memory_limit')") ?? "";
            anchor.ExecuteNonQuery($"SET memory_limit = {DuckDbDialect.Literal(_memoryLimit)}");
        }
    }

    /// <summary>
    /// Counts rows a writer handed to DuckDB; every <see cref="CacheCheckRows"/> rows, drops the table blocks DuckDB
    /// caches when they pass <see cref="CacheReleaseAbove"/> (see <see cref="ReleaseCachedBlocks"/>).
    /// </summary>
    internal void Written(long rows)
    {
        var total = Interlocked.Add(ref _rowsWritten, rows);
        if (total / CacheCheckRows == (total - rows) / CacheCheckRows)
        {
            return;
        }

        lock (_gate)
        {
            if (_anchor is null)
            {
                return;
            }

            // Under the gate, so the anchor is not disposed meanwhile.
            ReleaseCachedBlocks(_anchor);
        }
    }

    /// <summary>
    /// Has DuckDB drop cached table blocks beyond <see cref="CacheKeptOnRelease"/> when there are more than
    /// <see cref="CacheReleaseAbove"/>; returns the bytes dropped. <paramref name="connection"/> must not be in a transaction.
    /// </summary>
    /// <remarks>
    /// DuckDB keeps every block it writes in its buffer pool until the memory limit (80% of RAM unless configured)
    /// pushes it out, so a load held about as much memory as the table takes on disk: 277 MB for a table of 20M rows
    /// (bigint, double, text, timestamptz). DuckDB has no call to drop cached blocks, but lowering its memory limit
    /// evicts unused ones, least recently used first; the limit goes straight back. When the blocks are in use,
    /// DuckDB refuses the lower limit and keeps its own.
    /// </remarks>
    internal long ReleaseCachedBlocks(DuckDbConnection connection)
    {
        lock (ReleaseGate)
        {
            var (cached, total) = CacheUsage(connection);
            if (cached <= CacheReleaseAbove)
            {
                return 0;
            }

            var limit = _memoryLimit ?? throw new InvalidOperationException("The database is not open.");
            var lowered = (total - cached + CacheKeptOnRelease).ToString(CultureInfo.InvariantCulture);
            try
            {
                connection.ExecuteNonQuery($"SET memory_limit = '{lowered} bytes'");
            }
            catch (DuckDbException e) when (e.Message.Contains("Failed to change memory limit", StringComparison.Ordinal))
            {
                // Blocks in use: DuckDB evicted what it could and kept its limit (its setting shows the lower one until set back).
            }
            finally
            {
                connection.ExecuteNonQuery($"SET memory_limit = {DuckDbDialect.Literal(limit)}");
            }

            return cached - CacheUsage(connection).Cached;
        }
    }

    private static (long Cached, long Total) CacheUsage(DuckDbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(sum(memory_usage_bytes) FILTER (WHERE tag = 'BASE_TABLE'), 0)::BIGINT, coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory()";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
