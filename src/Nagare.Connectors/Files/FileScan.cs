using System.Globalization;
using System.Text;
using Nagare.Connectors.Common;

namespace Nagare.Connectors.Files;

/// <summary>Builds the DuckDB table-function call (<c>read_csv</c>, <c>read_json</c>, <c>read_parquet</c>) that reads a file set.</summary>
internal static class FileScan
{
    /// <summary>Column DuckDB adds with each row's file path.</summary>
    public const string PathColumn = "_nagare_path";

    /// <summary>Temporary table of CSV rows DuckDB rejected.</summary>
    public const string RejectsTable = "_nagare_rejects";

    /// <summary>Temporary table of the CSV scans behind <see cref="RejectsTable"/> (holds file paths).</summary>
    public const string RejectScansTable = "_nagare_reject_scans";

    /// <summary>The call reading <paramref name="paths"/>.</summary>
    /// <param name="format">Format of every file.</param>
    /// <param name="compression">Configured compression, or null to let DuckDB tell by extension.</param>
    /// <param name="paths">Absolute paths.</param>
    /// <param name="options">CSV options.</param>
    /// <param name="types">Column name → DuckDB type to read as (CSV: only those columns; JSON: every column), or null to detect.</param>
    /// <param name="storeRejects">CSV: collect malformed rows in <see cref="RejectsTable"/> instead of failing; JSON: skip them (for sniffing).</param>
    public static string Call(FileFormat format, FileCompression? compression, IReadOnlyList<string> paths, FilesConnectorOptions options,
        IReadOnlyList<KeyValuePair<string, string>>? types, bool storeRejects)
    {
        var sql = new StringBuilder();
        sql.Append(format switch
        {
            FileFormat.Csv or FileFormat.Tsv => "read_csv(",
            FileFormat.Json or FileFormat.Ndjson => "read_json(",
            _ => "read_parquet(",
        });
        sql.Append('[').AppendJoin(", ", paths.Select(DuckDbDialect.Literal)).Append(']');
        sql.Append(", filename = ").Append(DuckDbDialect.Literal(PathColumn));
        if (paths.Count > 1 && format is not (FileFormat.Csv or FileFormat.Tsv))
        {
            // Files of one stream written at different times may differ in columns (a column added later): match by name.
            // (DuckDB cannot combine this with CSV reject tables: CSV files are grouped by header instead, see CsvHeaderGroups.)
            sql.Append(", union_by_name = true");
        }

        if (format != FileFormat.Parquet && compression is { } c)
        {
            sql.Append(", compression = ").Append(DuckDbDialect.Literal(c switch
            {
                FileCompression.Gzip => "gzip",
                FileCompression.Zstd => "zstd",
                _ => "none",
            }));
        }

        switch (format)
        {
            case FileFormat.Csv or FileFormat.Tsv:
                var delimiter = options.Delimiter ?? (format == FileFormat.Tsv ? "\t" : null);
                Option(sql, "delim", delimiter);
                if (options.Header is { } header)
                {
                    sql.Append(", header = ").Append(header ? "true" : "false");
                }

                Option(sql, "quote", options.Quote);
                Option(sql, "escape", options.Escape);
                Option(sql, "nullstr", options.NullString);
                // Files in other encodings reach here as UTF-8 copies (see Utf8Transcoder).
                if (FileTextEncoding.Parse(options.Encoding) is { DuckDbName: { } encoding } && encoding != FileTextEncoding.Utf8.DuckDbName)
                {
                    Option(sql, "encoding", encoding);
                }

                if (options.AllVarchar)
                {
                    sql.Append(", all_varchar = true");
                }

                Option(sql, "dateformat", options.DateFormat);
                Option(sql, "timestampformat", options.TimestampFormat);

                if (types is { Count: > 0 })
                {
                    sql.Append(", types = ").Append(Struct(types));
                }

                if (storeRejects)
                {
                    sql.Append(", store_rejects = true, rejects_table = ").Append(DuckDbDialect.Literal(RejectsTable))
                        .Append(", rejects_scan = ").Append(DuckDbDialect.Literal(RejectScansTable));
                }

                break;
            case FileFormat.Json or FileFormat.Ndjson:
                sql.Append(", format = ").Append(format == FileFormat.Ndjson ? "'newline_delimited'" : "'auto'");
                if (types is { Count: > 0 })
                {
                    sql.Append(", columns = ").Append(Struct(types));
                }

                if (storeRejects)
                {
                    // Sniffing only: malformed records are found line by line before reading (see JsonFileValidator).
                    sql.Append(", ignore_errors = true");
                }

                break;
        }

        return sql.Append(')').ToString();
    }

    /// <summary>A FROM item reading every call's rows: the call itself, or the calls' rows combined by column name (missing columns NULL).</summary>
    public static string Combined(IReadOnlyList<string> calls) =>
        calls.Count == 1 ? calls[0] : "(" + string.Join(" UNION ALL BY NAME ", calls.Select(c => "SELECT * FROM " + c)) + ")";

    private static void Option(StringBuilder sql, string name, string? value)
    {
        if (value is not null)
        {
            sql.Append(", ").Append(name).Append(" = ").Append(DuckDbDialect.Literal(value));
        }
    }

    private static string Struct(IReadOnlyList<KeyValuePair<string, string>> types) =>
        "{" + string.Join(", ", types.Select(t => DuckDbDialect.Literal(t.Key) + ": " + DuckDbDialect.Literal(t.Value))) + "}";

    /// <summary>A DuckDB literal for a cursor value of a canonical .NET type.</summary>
    public static string Literal(object value) => value switch
    {
        string s => DuckDbDialect.Literal(s),
        bool b => b ? "true" : "false",
        DateOnly d => "DATE '" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'",
        DateTime t => "TIMESTAMP '" + t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'",
        DateTimeOffset t => "TIMESTAMPTZ '" + t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00'",
        TimeOnly t => "TIME '" + t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "'",
        Guid g => "UUID '" + g.ToString("D") + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => DuckDbDialect.Literal(value.ToString() ?? ""),
    };
}
