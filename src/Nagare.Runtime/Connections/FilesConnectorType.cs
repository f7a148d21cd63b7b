using Nagare.Connectors.Files;
using Nagare.Connectors.ObjectStorage;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: files</c>: a local folder, or an S3 bucket and prefix, of CSV/TSV/JSON/NDJSON/Parquet files.</summary>
public static class FilesConnectorType
{
    /// <summary>Keys of an <c>s3://</c> path that a folder path refuses (rather than ignores).</summary>
    private static readonly string[] S3Keys = ["endpoint", "access_key_id"];

    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new(
        "files",
        "Folder of CSV, TSV, JSON, NDJSON or Parquet files",
        [
            new("path", ConnectorOptionKind.Path, "The folder (the connection's root), or s3://bucket/prefix for objects in S3 or an S3-compatible server (read and written); stream globs and file-name templates are relative to it.", Required: true),
            new("endpoint", ConnectorOptionKind.String, "s3:// paths: the address of an S3-compatible server (e.g. http://127.0.0.1:9000); none given: AWS itself."),
            new("region", ConnectorOptionKind.String, "s3:// paths: the region (none given: AWS_REGION, else us-east-1)."),
            new("path_style", ConnectorOptionKind.Boolean, "s3:// paths: address buckets as endpoint/bucket/key (most S3-compatible servers need it; the default when endpoint is given)."),
            new("access_key_id", ConnectorOptionKind.String, "s3:// paths: the access key id, with secret_access_key (none given: the environment's AWS credentials). Never logged.", Secret: true),
            new("secret_access_key", ConnectorOptionKind.String, "s3:// paths: the secret access key. Never logged, never part of an error message.", Secret: true),
            new("session_token", ConnectorOptionKind.String, "s3:// paths: the session token of temporary credentials. Never logged.", Secret: true),
            new("format", ConnectorOptionKind.Choice, "File format. auto: by extension when reading (.csv, .tsv, .json, .ndjson, .parquet, each optionally .gz or .zst), Parquet when writing.", Default: "auto", Choices: ["auto", "csv", "tsv", "json", "ndjson", "parquet"]),
            new("compression", ConnectorOptionKind.Choice, "auto: by extension when reading; none for CSV/JSON and snappy for Parquet when writing. zstd is written for Parquet only.", Default: "auto", Choices: ["auto", "gzip", "zstd", "none"]),
            new("streams", ConnectorOptionKind.Map, "Stream name to glob (*, ?, ** for any depth of folders, [abc], {a,b}); none given: one stream per top-level file stem and per top-level folder."),
            new("primary_keys", ConnectorOptionKind.Map, "Stream name to its key columns, separated by commas (files carry none); * applies to every stream that has those columns."),
            new("file_columns", ConnectorOptionKind.Boolean, "Whether discovery lists the _file and _file_modified columns (they can be requested by name either way).", Default: "true"),
            new("delimiter", ConnectorOptionKind.String, "CSV field delimiter (none given: detected when reading; a comma, or a tab for TSV, when writing)."),
            new("header", ConnectorOptionKind.Boolean, "Whether CSV files have a header line (none given: detected when reading; true when writing)."),
            new("quote", ConnectorOptionKind.String, "CSV quote character (none given: detected when reading; \" when writing)."),
            new("escape", ConnectorOptionKind.String, "Character before a quote inside a quoted CSV field (none given: detected when reading; the quote doubled when writing)."),
            new("null_string", ConnectorOptionKind.String, "Text that stands for NULL in CSV (none given: the empty unquoted field)."),
            new("encoding", ConnectorOptionKind.Choice, "Encoding of the CSV, TSV, JSON and NDJSON files read; files are written in UTF-8.", Default: "utf-8", Choices: ["utf-8", "utf-16", "latin-1", "shift_jis", "euc-jp"]),
            new("all_varchar", ConnectorOptionKind.Boolean, "CSV: read every column as text, without guessing types (a sync's cast on a column still applies).", Default: "false"),
            new("date_format", ConnectorOptionKind.String, "CSV: format of date values in DuckDB's strptime notation, e.g. %Y/%m/%d (none given: detected)."),
            new("timestamp_format", ConnectorOptionKind.String, "CSV: format of timestamp values in DuckDB's strptime notation, e.g. %Y/%m/%d %H:%M:%S (none given: detected)."),
            new("file_name_template", ConnectorOptionKind.String, "Names of written files, relative to the folder: {stream}, {namespace}, {sync}, {date:yyyyMMdd}, {part:00000}, {ext}.", Default: "{stream}/{stream}_{part:00000}.{ext}"),
            new("max_bytes_per_file", ConnectorOptionKind.Integer, "Largest file written, in bytes on disk after compression (none given: no limit)."),
            new("max_rows_per_file", ConnectorOptionKind.Integer, "Most rows per written file (none given: no limit)."),
            new("parallel_writers", ConnectorOptionKind.Integer, "CSV and JSON parts written at the same time, 1 to 64 (row order across files is not kept above 1).", Default: "1"),
        ],
        (config, context) =>
        {
            var defaults = new FilesConnectorOptions(".");
            var encoding = config.GetString("encoding") ?? defaults.Encoding;
            if (FilesConnection.EncodingProblem(encoding) is { } problem)
            {
                // Said here, with the file and line, rather than in the middle of the first read.
                throw new ConfigException(config.LocationOf("encoding"), "encoding", problem);
            }

            var path = config.GetString("path")!;
            var storage = path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) ? ObjectStorage(config, path) : null;
            if (storage is null && S3Keys.FirstOrDefault(key => config.GetString(key) is not null) is { } s3Key)
            {
                throw new ConfigException(config.LocationOf(s3Key), s3Key, $"applies to s3:// paths only, and path is the folder '{path}'");
            }

            var options = new FilesConnectorOptions(storage is null ? context.ResolvePath(path) : storage.Display, config.GetString("format") ?? defaults.Format, config.GetString("compression"))
            {
                ObjectStorage = storage,
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

    /// <summary>The bucket, prefix, server and credentials of an <c>s3://bucket/prefix</c> path.</summary>
    private static ObjectStorageOptions ObjectStorage(ConnectionConfig config, string path)
    {
        ObjectStorageOptions storage;
        try
        {
            storage = ObjectStorageOptions.Parse(path);
        }
        catch (FormatException e)
        {
            throw new ConfigException(config.LocationOf("path"), "path", e.Message);
        }

        Uri? endpoint = null;
        if (config.GetString("endpoint") is { } text)
        {
            (endpoint, var problem) = ObjectStorageOptions.ReadEndpoint(text);
            if (problem is not null)
            {
                throw new ConfigException(config.LocationOf("endpoint"), "endpoint", problem);
            }
        }

        var accessKeyId = config.GetSecret("access_key_id")?.Reveal();
        var secretAccessKey = config.GetSecret("secret_access_key")?.Reveal();
        if ((accessKeyId is null) != (secretAccessKey is null))
        {
            var missing = accessKeyId is null ? "access_key_id" : "secret_access_key";
            throw new ConfigException(config.LocationOf(accessKeyId is null ? "secret_access_key" : "access_key_id"), missing, ObjectStorageOptions.CredentialsTogether);
        }

        return storage with
        {
            Endpoint = endpoint,
            Region = config.GetString("region"),
            PathStyle = config.GetBool("path_style") ?? endpoint is not null,
            AccessKeyId = accessKeyId,
            SecretAccessKey = secretAccessKey,
            SessionToken = config.GetSecret("session_token")?.Reveal(),
        };
    }

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
