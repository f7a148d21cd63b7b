using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

/// <summary>Settings every opener of the warehouse file uses, so any of them may be the one that creates it.</summary>
public static class WarehouseFile
{
    /// <summary>
    /// The oldest DuckDB release that can open a warehouse file this version creates. DuckDB otherwise writes files
    /// that v0.10 can read, and converting each column's distinct-count sketch to that old format at every checkpoint
    /// was most of the checkpoint's time for many small tables (2,000 tables of 100 rows: 4.8 s against 1.7 s).
    /// DuckDB reads this and the block size only when it creates a file: existing files keep theirs.
    /// </summary>
    public const string StorageVersion = "v1.4.0";

    /// <summary>
    /// The block size of a new warehouse file. A table takes at least one block: with DuckDB's default of 256 KB,
    /// 2,000 tables of 100 rows made a 550 MB file and held 800 MB of memory; with 64 KB, 134 MB and 420 MB, for
    /// 10–20 % more time loading one 5M-row table (16 KB: 35 MB and 340 MB, and slower still on big tables). A project
    /// sets its own with <c>warehouse_block_size</c> in nagare.yml (<c>block_size</c> for other DuckDB connections).
    /// </summary>
    public const int BlockSize = 65_536;

    /// <summary>The default <c>compression</c>: DuckDB chooses among all its methods for each column segment.</summary>
    public const string AutoCompression = "auto";

    /// <summary>
    /// The <c>compression</c> that leaves out DuckDB's FSST string compression (<c>fsst</c>, <c>dict_fsst</c>). DuckDB
    /// 1.5 compresses text only that way, so text is then stored uncompressed; numbers keep their methods. Building an
    /// FSST symbol table for every segment of every text column was most of DuckDB's CPU storing a table of unique
    /// text (5M rows, two such columns: 7.1 CPU s, 1.9 without), for a file twice as big (241 → 525 MB); text that
    /// repeats grows far more and is no faster to store (pgbench's blank-padded <c>filler</c>).
    /// </summary>
    public const string LightCompression = "light";

    /// <summary>Applies the settings to <paramref name="builder"/>, with <paramref name="blockSize"/> instead of <see cref="BlockSize"/> when given.</summary>
    /// <exception cref="ArgumentException">The block size is not one DuckDB takes.</exception>
    public static DuckDbConnectionStringBuilder Apply(DuckDbConnectionStringBuilder builder, int? blockSize = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var size = blockSize ?? BlockSize;
        if (BlockSizeProblem(size) is { } problem)
        {
            throw new ArgumentException("The warehouse block size " + problem, nameof(blockSize));
        }

        builder["storage_compatibility_version"] = StorageVersion;
        builder["default_block_size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return builder;
    }

    /// <summary>
    /// Sets <paramref name="compression"/> (null: <see cref="AutoCompression"/>) on the database <paramref name="connection"/>
    /// belongs to. DuckDB ignores its list of disabled compression methods when given at open, so this runs after.
    /// </summary>
    /// <exception cref="ArgumentException">The compression is not a warehouse compression.</exception>
    public static void ApplyCompression(DuckDbConnection connection, string? compression)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (compression is null or AutoCompression)
        {
            return;
        }

        if (CompressionProblem(compression) is { } problem)
        {
            throw new ArgumentException("The warehouse compression " + problem, nameof(compression));
        }

        connection.ExecuteNonQuery("SET GLOBAL disabled_compression_methods = 'fsst,dict_fsst'");
    }

    /// <summary>Why <paramref name="compression"/> is not a warehouse compression, for a configuration error after the key's name; null when it is.</summary>
    public static string? CompressionProblem(string compression) =>
        compression is AutoCompression or LightCompression ? null : $"must be {AutoCompression} or {LightCompression}, found '{compression}'";

    /// <summary>
    /// Why DuckDB would not take <paramref name="size"/> as a block size (it takes a power of two from 16 KB to
    /// 256 KB), for a configuration error after the key's name; null when it would.
    /// </summary>
    public static string? BlockSizeProblem(int size) =>
        size is >= 16_384 and <= 262_144 && int.IsPow2(size) ? null : $"must be a power of two from 16384 to 262144, found {size}";
}
