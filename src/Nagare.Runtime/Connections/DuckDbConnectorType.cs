using Nagare.Connectors.DuckDb;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: duckdb</c>: a DuckDB database file (the built-in <c>warehouse</c> is one).</summary>
public static class DuckDbConnectorType
{
    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new(
        "duckdb",
        "DuckDB database file",
        [
            new("path", ConnectorOptionKind.Path, "Database file, relative to the project folder; created with its folder when missing. :memory: gives a database that lives as long as the connection.", Required: true),
            new("threads", ConnectorOptionKind.Integer, "Worker threads DuckDB may use (none given: all cores)."),
            new("memory_limit", ConnectorOptionKind.String, "DuckDB's memory limit, e.g. 4GB (none given: 80% of RAM); larger operations spill to disk next to the file."),
            new("block_size", ConnectorOptionKind.Integer, "Block size in bytes of a file this connection creates, a power of two from 16384 to 262144; an existing file keeps its own.", Default: "65536"),
            new("compression", ConnectorOptionKind.Choice, "auto: DuckDB picks among all its methods for each column segment; light: the same without FSST string compression (faster loads of unique text, bigger files).", Default: "auto", Choices: ["auto", "light"]),
        ],
        (config, context) =>
        {
            var path = context.ResolvePath(config.GetString("path")!);
            var directory = Path.GetDirectoryName(path);
            if (!path.StartsWith(':') && !string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var blockSize = config.GetInt("block_size");
            if (blockSize is { } size && WarehouseFile.BlockSizeProblem(size) is { } problem)
            {
                throw new Configuration.ConfigException(config.LocationOf("block_size"), "block_size", problem);
            }

            var compression = config.GetString("compression");
            if (compression is not null && WarehouseFile.CompressionProblem(compression) is { } wrong)
            {
                throw new Configuration.ConfigException(config.LocationOf("compression"), "compression", wrong);
            }

            return new DuckDbWarehouseConnection(
                config.Name, new DuckDbConnectorOptions(path, config.GetInt("threads"), config.GetString("memory_limit"), blockSize, compression)
                {
                    LockWait = context.LockWait,
                });
        });
}
