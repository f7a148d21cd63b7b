using System.Collections.Immutable;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Runtime.Activations;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>Reads <c>activations/*.yml</c> for <see cref="ProjectLoader"/>; every problem names file, line, column and key.</summary>
internal static partial class ActivationReader
{
    private static readonly Choices<ActivationMode> DatabaseModes = new(
        ("insert", ActivationMode.Insert),
        ("upsert", ActivationMode.Upsert),
        ("replace", ActivationMode.Replace),
        ("mirror", ActivationMode.Mirror));

    private static readonly Choices<ActivationMode> FileModes = new(
        ("full", ActivationMode.Full),
        ("changes", ActivationMode.Changes));

    private static readonly HashSet<string> DatabaseTypes = new(StringComparer.Ordinal) { "postgres", "mysql", "mariadb", "sqlite", "duckdb" };

    /// <summary>Connection types an activation's query can run on besides the warehouse.</summary>
    private static readonly string[] SourceTypes = ["postgres", "mysql", "mariadb", "sqlite", "duckdb"];

    /// <summary>Reads one activation file.</summary>
    public static ActivationConfig Read(YamlSection section, string fileStem, string root, IReadOnlyDictionary<string, ConnectionConfig> connections, IReadOnlySet<string> brokenConnections)
    {
        var name = section.String("name") ?? fileStem;
        var description = section.String("description");
        var source = section.String("source") ?? ProjectConfig.WarehouseConnection;
        if (source != ProjectConfig.WarehouseConnection && !connections.ContainsKey(source) && !brokenConnections.Contains(source))
        {
            throw section.Error("source", $"no connection named '{source}'{YamlSection.Suggest(source, connections.Keys)}. Known: {string.Join(", ", connections.Keys.Prepend(ProjectConfig.WarehouseConnection))}");
        }

        if (connections.TryGetValue(source, out var sourceConfig) && !SourceTypes.Contains(sourceConfig.Type))
        {
            throw section.Error("source", $"'{source}' is a {sourceConfig.Type} connection, which does not run queries; a source is the warehouse or a {string.Join(", ", SourceTypes)} connection (load files into the warehouse with a sync first)");
        }

        var query = section.String("query");
        var model = section.String("model");
        if ((query is null) == (model is null))
        {
            throw section.Error(query is null ? "query" : "model", "write exactly one of query: (SQL on the source) and model: (a model's name)");
        }

        if (model is not null && source != ProjectConfig.WarehouseConnection)
        {
            throw section.Error("model", $"a model is read from the warehouse; with source: {source} write a query: instead");
        }

        var columns = ReadColumns(section);
        var destinationSection = section.Section("destination") ?? throw section.Error("destination", "is required: a database table (connection:, table:, mode:), files (type: files, path:) or an HTTP API (type: http, url:)");
        var destination = ReadDestination(destinationSection, root, connections, brokenConnections);
        section.RejectUnknownKeys();

        var fields = columns.IsEmpty ? null : columns.Select(c => c.Field).ToHashSet(StringComparer.Ordinal);
        foreach (var key in destination.Key)
        {
            if (fields is not null && !fields.Contains(key))
            {
                throw destinationSection.Error("key", $"'{key}' is not one of the destination fields in columns: ({string.Join(", ", fields)})");
            }
        }

        return new ActivationConfig(name, source, query, model, destination, columns, section.Location) { Description = description };
    }

    private static ImmutableArray<ActivationColumn> ReadColumns(YamlSection section)
    {
        var node = section.Node("columns");
        var columns = ImmutableArray.CreateBuilder<ActivationColumn>();
        switch (node)
        {
            case null:
                break;
            case YamlScalarNode scalar when string.IsNullOrEmpty(scalar.Value):
                break;
            case YamlSequenceNode:
                // A list keeps result columns under their own names: [day, region, revenue].
                foreach (var field in section.StringList("columns"))
                {
                    columns.Add(new ActivationColumn(field, field));
                }

                break;
            case YamlMappingNode mapping:
                var map = section.Child("columns", mapping);
                foreach (var (field, value, location) in map.Entries())
                {
                    columns.Add(value switch
                    {
                        YamlScalarNode => new ActivationColumn(field, map.ScalarText(field, value)),
                        YamlMappingNode detail => ReadColumn(map.Child(field, detail), field),
                        _ => throw new ConfigException(location, map.KeyPath(field), "expected a result column name, or { from: column, cast: type }"),
                    });
                }

                break;
            default:
                throw section.Error("columns", "expected a mapping of destination fields to result columns ({ day: day, revenue: revenue_jpy }) or a list of result columns");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!seen.Add(column.Field))
            {
                throw section.Error("columns", $"field '{column.Field}' appears twice");
            }
        }

        return columns.ToImmutable();
    }

    private static ActivationColumn ReadColumn(YamlSection section, string field)
    {
        var from = section.String("from") ?? field;
        ColumnType? cast = null;
        if (section.String("cast") is { } text)
        {
            try
            {
                cast = ColumnType.Parse(text);
            }
            catch (FormatException e)
            {
                throw section.Error("cast", e.Message);
            }
        }

        section.RejectUnknownKeys();
        return new ActivationColumn(field, from, cast);
    }

    private static ActivationDestination ReadDestination(YamlSection section, string root, IReadOnlyDictionary<string, ConnectionConfig> connections, IReadOnlySet<string> brokenConnections)
    {
        var type = section.String("type") ?? (section.Has("connection") ? "database" : section.Has("path") ? "files" : null);
        return type switch
        {
            "database" => ReadDatabase(section, connections, brokenConnections),
            "files" => ReadFiles(section, Path.GetFullPath(section.RequiredString("path"), root)),
            "s3" => ReadS3(section),
            "http" => HttpDestinationReader.Read(section),
            null => throw section.Error("connection", "is required: the database connection written to (or write type: files with path: for files)"),
            _ => throw section.Error("type", $"destination type '{type}' is not supported in this version; supported: {string.Join(", ", ActivationDestination.SupportedTypes)} (a database is a postgres, mysql, sqlite or duckdb connection){YamlSection.Suggest(type, ActivationDestination.SupportedTypes)}"),
        };
    }

    private static DatabaseDestination ReadDatabase(YamlSection section, IReadOnlyDictionary<string, ConnectionConfig> connections, IReadOnlySet<string> brokenConnections)
    {
        var connection = section.RequiredString("connection");
        if (connection == ProjectConfig.WarehouseConnection)
        {
            throw section.Error("connection", "the warehouse is the source; to shape a warehouse table use a model or a sql step with into:");
        }

        if (connections.TryGetValue(connection, out var config))
        {
            if (!DatabaseTypes.Contains(config.Type))
            {
                throw section.Error("connection", $"'{connection}' is a {config.Type} connection; a database destination is a postgres, mysql, sqlite or duckdb connection{(config.Type == "files" ? " (for files write type: files and path:)" : string.Empty)}");
            }
        }
        else if (!brokenConnections.Contains(connection))
        {
            throw section.Error("connection", $"no connection named '{connection}'{YamlSection.Suggest(connection, connections.Keys)}. Known: {string.Join(", ", connections.Keys)}");
        }

        var table = ReadTable(section);
        var mode = section.Choice("mode", DatabaseModes) ?? throw section.Error("mode", $"is required: one of {string.Join(", ", DatabaseModes.Names)}");
        var key = section.StringList("key");
        section.RejectUnknownKeys();
        if (key.IsEmpty && mode is ActivationMode.Upsert or ActivationMode.Mirror)
        {
            throw section.Error("key", $"is required with mode {mode.ToString().ToLowerInvariant()}: the destination fields that identify a record, e.g. key: [id]");
        }

        return new DatabaseDestination(connection, table, mode, key, section.Location);
    }

    private static StreamId ReadTable(YamlSection section)
    {
        // A mapping spells names holding dots: table: { schema: "we.ird", name: "t" }.
        if (section.Node("table") is YamlMappingNode mapping)
        {
            var table = section.Child("table", mapping);
            var id = new StreamId(table.String("schema"), table.RequiredString("name"));
            table.RejectUnknownKeys();
            return id;
        }

        return StreamId.Parse(section.RequiredString("table"));
    }

    /// <summary>The keys of files (all but <c>path</c>) into a destination at <paramref name="path"/>; also the layout of files in object storage.</summary>
    private static FilesDestination ReadFiles(YamlSection section, string path)
    {
        section.String("type");
        var format = section.String("format")?.ToLowerInvariant() ?? "csv";
        if (format == "ndjson")
        {
            format = "jsonl";
        }

        if (!Connectors.Files.FileExportOptions.Formats.Contains(format))
        {
            throw section.Error("format", $"'{format}' is not one of {string.Join(", ", Connectors.Files.FileExportOptions.Formats)}");
        }

        var compression = section.String("compression")?.ToLowerInvariant() ?? "none";
        if (compression is not ("none" or "gzip"))
        {
            throw section.Error("compression", $"'{compression}' is not one of gzip, none");
        }

        var maxBytes = Size(section, "max_bytes");
        var maxRows = section.Long("max_rows", 1, long.MaxValue);
        var extension = format + (compression == "gzip" && format != "parquet" ? ".gz" : string.Empty);
        var fileName = section.String("file_name") ?? $"{{{{ activation }}}}_{{{{ run_date }}}}_{{{{ part:05 }}}}.{extension}";
        var manifest = section.String("manifest") ?? "{{ activation }}_manifest.json";
        if (manifest.Contains("part", StringComparison.Ordinal) && ActivationFileNames.HasPart(manifest))
        {
            throw section.Error("manifest", "names one file per run: it cannot use {{ part }}");
        }

        if (!ActivationFileNames.HasPart(fileName) && (maxBytes is not null || maxRows is not null))
        {
            throw section.Error("file_name", "must contain {{ part }} (e.g. {{ part:03 }}) when max_bytes or max_rows may split the rows into several files");
        }

        var header = section.Bool("header") ?? true;
        var parallel = section.Int("parallel", 1, 64) ?? 1;
        var delimiter = section.String("delimiter");
        var nullString = section.String("null_string");
        var mode = section.Choice("mode", FileModes) ?? ActivationMode.Full;
        var key = section.StringList("key");
        section.RejectUnknownKeys();
        if (key.IsEmpty && mode == ActivationMode.Changes)
        {
            throw section.Error("key", "is required with mode changes: the fields that identify a record, e.g. key: [id]");
        }

        return new FilesDestination(path, format, compression == "gzip", maxBytes, maxRows, fileName, manifest, header, parallel, mode, key, section.Location)
        {
            Delimiter = delimiter,
            NullString = nullString,
        };
    }

    private static long? Size(YamlSection section, string key)
    {
        if (section.String(key) is not { } text)
        {
            return null;
        }

        try
        {
            return SizeText.Parse(text);
        }
        catch (FormatException e)
        {
            throw section.Error(key, e.Message);
        }
    }
}
