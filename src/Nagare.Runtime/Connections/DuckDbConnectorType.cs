using Nagare.Connectors.DuckDb;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: duckdb</c>: a DuckDB database file (the built-in <c>warehouse</c> is one).</summary>
public static class DuckDbConnectorType
{
    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new(
        "duckdb",
        ["path", "threads", "memory_limit", "block_size", "compression"],
        ["path"],
        [],
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
