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
    /// about 7 % more time loading one 5M-row table. (16 KB: 35 MB and 340 MB, but 40 % slower on the big table.)
    /// </summary>
    public const int BlockSize = 65_536;

    /// <summary>Applies the settings to <paramref name="builder"/>.</summary>
    public static DuckDbConnectionStringBuilder Apply(DuckDbConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder["storage_compatibility_version"] = StorageVersion;
        builder["default_block_size"] = BlockSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return builder;
    }
}
