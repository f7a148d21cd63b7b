using Nagare.Connectors.Files;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: files</c>: a local folder of CSV/TSV/JSON/NDJSON/Parquet files.</summary>
public static class FilesConnectorType
{
    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new(
        "files",
        ["path", "format", "compression", "streams", "primary_keys", "file_columns", "delimiter", "header", "quote", "escape", "null_string", "encoding", "all_varchar", "date_format", "timestamp_format", "file_name_template", "max_bytes_per_file", "max_rows_per_file", "parallel_writers"],
        ["path"],
        [],
        (config, context) =>
        {
            var defaults = new FilesConnectorOptions(".");
            var encoding = config.GetString("encoding") ?? defaults.Encoding;
            if (FilesConnection.EncodingProblem(encoding) is { } problem)
            {
                // Said here, with the file and line, rather than in the middle of the first read.
                throw new ConfigException(config.LocationOf("encoding"), "encoding", problem);
            }

            var options = new FilesConnectorOptions(context.ResolvePath(config.GetString("path")!), config.GetString("format") ?? defaults.Format, config.GetString("compression"))
            {
                Streams = config.GetMap("streams"),
                PrimaryKeys = ReadPrimaryKeys(config),
                FileColumns = config.GetBool("file_columns") ?? defaults.FileColumns,
                Delimiter = config.GetString("delimiter"),
                Header = config.GetBool("header"),
                Quote = config.GetString("quote"),
                Escape = config.GetString("escape"),
                NullString = config.GetString("null_string"),
                Encoding = encoding,
                AllVarchar = config.GetBool("all_varchar") ?? defaults.AllVarchar,
                DateFormat = config.GetString("date_format"),
                TimestampFormat = config.GetString("timestamp_format"),
                FileNameTemplate = config.GetString("file_name_template") ?? defaults.FileNameTemplate,
                MaxBytesPerFile = config.GetLong("max_bytes_per_file", 1),
                MaxRowsPerFile = config.GetLong("max_rows_per_file", 1),
                ParallelWriters = config.GetInt("parallel_writers") ?? defaults.ParallelWriters,
            };
            return new FilesConnection(config.Name, options, context.Time);
        });

    // Each entry's value is one column or several separated by commas ("order_id, line_no").
    private static Dictionary<string, IReadOnlyList<string>> ReadPrimaryKeys(ConnectionConfig config)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (stream, columns) in config.GetMap("primary_keys"))
        {
            var list = columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (list.Length == 0)
            {
                throw new ConfigException(config.LocationOf("primary_keys"), "primary_keys", $"stream '{stream}' lists no key column");
            }

            keys[stream] = list;
        }

        return keys;
    }
}
