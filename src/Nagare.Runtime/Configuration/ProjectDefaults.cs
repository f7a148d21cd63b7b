using System.Collections.Immutable;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// Project-wide defaults (<c>defaults:</c> in <c>nagare.yml</c>), and the one place every other default of the project
/// files lives: the loader, the model project and the commands take their fallbacks from here.
/// </summary>
/// <param name="Parallelism">Streams (and chunks) copied at once in a sync run.</param>
/// <param name="MaxConcurrency">Default <c>max_concurrency</c> of a connection.</param>
/// <param name="ChunkRows">Default rows per chunk for big tables.</param>
/// <param name="BatchSize">Rows per batch read from sources.</param>
/// <param name="LogRetentionDays">Days a run's log under <c>.nagare/logs/</c> is kept.</param>
public sealed record ProjectDefaults(int Parallelism, int MaxConcurrency, long ChunkRows, int BatchSize, int LogRetentionDays = ProjectDefaults.DefaultLogRetentionDays)
{
    /// <summary>The embedded warehouse file, relative to the project folder.</summary>
    public const string WarehousePath = ".nagare/warehouse.duckdb";

    /// <summary>Days a run's log under <c>.nagare/logs/</c> is kept.</summary>
    public const int DefaultLogRetentionDays = 30;

    /// <summary>Where compiled SQL, the manifest and caches are written, relative to the project folder.</summary>
    public const string TargetPath = "target";

    /// <summary>The target models are built into when neither the command nor nagare.yml names one.</summary>
    public const string TargetName = "dev";

    /// <summary>The schema of models without a layer or custom schema.</summary>
    public const string Schema = "main";

    /// <summary>4 streams at once, 4 per connection, one-million-row chunks, 8,192-row batches.</summary>
    public static ProjectDefaults Default { get; } = new(4, 4, 1_000_000, Core.Batches.ColumnBatch.DefaultCapacity);

    /// <summary>Folders of SQL models.</summary>
    public static ImmutableArray<string> ModelPaths { get; } = ["models"];

    /// <summary>Folders of seed CSV files.</summary>
    public static ImmutableArray<string> SeedPaths { get; } = ["seeds"];

    /// <summary>Folders of macro files.</summary>
    public static ImmutableArray<string> MacroPaths { get; } = ["macros"];

    /// <summary>Folders of singular tests (and generic test definitions under <c>generic/</c>).</summary>
    public static ImmutableArray<string> TestPaths { get; } = ["tests"];
}
