using System.Collections.Immutable;
using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.DuckDb;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Reads table and column metadata: from a CSV export of <c>information_schema.columns</c>, from a DuckDB
/// database's own catalog, or from any source connection's discovery. Tables come back sorted by schema and
/// name, columns by ordinal position, so generation does not depend on the order of the input.
/// </summary>
public static class CatalogReader
{
    // Where DuckDB puts a table named without a schema.
    private const string DefaultSchema = "main";

    /// <summary>Columns a catalog CSV may have; the first four are required.</summary>
    public static ImmutableArray<string> CsvColumns { get; } =
        ["table_schema", "table_name", "column_name", "data_type", "ordinal_position", "is_nullable", "character_maximum_length", "numeric_precision", "numeric_scale"];

    // The rest of information_schema.columns: a plain `SELECT *` export is accepted and these are ignored.
    private static readonly FrozenStrings InformationSchemaExtras = new(
        "table_catalog", "column_default", "character_octet_length", "numeric_precision_radix", "datetime_precision",
        "interval_type", "interval_precision", "character_set_catalog", "character_set_schema", "character_set_name",
        "collation_catalog", "collation_schema", "collation_name", "domain_catalog", "domain_schema", "domain_name",
        "udt_catalog", "udt_schema", "udt_name", "scope_catalog", "scope_schema", "scope_name", "maximum_cardinality",
        "dtd_identifier", "is_self_referencing", "is_identity", "identity_generation", "identity_start",
        "identity_increment", "identity_maximum", "identity_minimum", "identity_cycle", "is_generated",
        "generation_expression", "is_updatable", "column_comment");

    /// <summary>Reads a CSV export of <c>information_schema.columns</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="display">The file as named in messages (e.g. relative to the project).</param>
    /// <exception cref="GenerationException">Unknown or missing columns, bad numbers; the message names file, line and column.</exception>
    public static ImmutableArray<CatalogTable> ReadCsv(string path, string display)
    {
        var sheet = CsvSheet.Read(path, display);
        sheet.RejectUnknownColumns(CsvColumns, InformationSchemaExtras);
        sheet.RequireColumns("table_schema", "table_name", "column_name", "data_type");
        var tables = new Dictionary<(string Schema, string Table), List<(CatalogColumn Column, int Row)>>();
        var row = 0;
        foreach (var r in sheet.Rows)
        {
            var schema = sheet.Required(r, "table_schema");
            var table = sheet.Required(r, "table_name");
            var name = sheet.Required(r, "column_name");
            var type = sheet.Required(r, "data_type");
            var ordinal = Integer(sheet, r, "ordinal_position");
            var nullable = sheet.Get(r, "is_nullable").ToUpperInvariant() switch
            {
                "" or "YES" or "Y" or "TRUE" or "1" => true,
                "NO" or "N" or "FALSE" or "0" => false,
                var other => throw sheet.Error(r, "is_nullable", $"is_nullable must be YES or NO, not '{other}'"),
            };
            var column = new CatalogColumn(name, ordinal ?? 0, type, nullable, Integer(sheet, r, "character_maximum_length"), Integer(sheet, r, "numeric_precision"), Integer(sheet, r, "numeric_scale"));
            if (!tables.TryGetValue((schema, table), out var columns))
            {
                columns = [];
                tables.Add((schema, table), columns);
            }

            if (columns.Exists(c => c.Column.Name == name))
            {
                throw sheet.Error(r, "column_name", $"column '{name}' of {schema}.{table} is listed twice");
            }

            columns.Add((column, row++));
        }

        return Build(tables.Select(t => (t.Key.Schema, t.Key.Table, t.Value)));
    }

    /// <summary>Reads <c>information_schema.columns</c> of an open DuckDB database (system schemas left out).</summary>
    public static async Task<ImmutableArray<CatalogTable>> ReadDuckDbAsync(DuckDbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT table_schema, table_name, column_name, ordinal_position, data_type, is_nullable,
                   character_maximum_length, numeric_precision, numeric_scale
            FROM information_schema.columns
            WHERE table_catalog = current_database()
              AND table_schema NOT IN ('information_schema', 'pg_catalog')
            ORDER BY table_schema, table_name, ordinal_position
            """;
        var tables = new Dictionary<(string Schema, string Table), List<(CatalogColumn Column, int Row)>>();
        var row = 0;
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = (reader.GetString(0), reader.GetString(1));
            if (!tables.TryGetValue(key, out var columns))
            {
                columns = [];
                tables.Add(key, columns);
            }

            var column = new CatalogColumn(
                reader.GetString(2),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                reader.GetString(4),
                !string.Equals(reader.GetString(5), "NO", StringComparison.OrdinalIgnoreCase),
                NullableInt(reader.GetValue(6)),
                NullableInt(reader.GetValue(7)),
                NullableInt(reader.GetValue(8)));
            columns.Add((column, row++));
        }

        return Build(tables.Select(t => (t.Key.Item1, t.Key.Item2, t.Value)));
    }

    /// <summary>
    /// Reads a source connection's catalog through discovery. Types are given as DuckDB declares them
    /// (what replication writes into the lake), so generated SQL fits the lake copy of each table.
    /// </summary>
    public static async Task<ImmutableArray<CatalogTable>> ReadSourceAsync(ISource source, DiscoverRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        var tables = new List<(string, string, List<(CatalogColumn, int)>)>();
        await foreach (var stream in source.DiscoverAsync(request, cancellationToken).ConfigureAwait(false))
        {
            var columns = new List<(CatalogColumn, int)>(stream.Columns.Length);
            for (var i = 0; i < stream.Columns.Length; i++)
            {
                var c = stream.Columns[i];
                columns.Add((new CatalogColumn(c.Name, i + 1, DuckDbTypeMapping.TypeName(c.Type), c.Nullable), i));
            }

            tables.Add((stream.Id.Namespace ?? DefaultSchema, stream.Id.Name, columns));
        }

        return Build(tables);
    }

    /// <summary>
    /// The tables a sync lands in its destination: the names after its <c>target_schema</c>, <c>naming</c> and the
    /// destination's identifier rules, and the columns after its column rules (renames, exclusions, casts, masks,
    /// fan-in's source column), typed as DuckDB declares them.
    /// </summary>
    public static ImmutableArray<CatalogTable> ReadPlan(ReplicationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Build(plan.Tables.Select(t => (
            t.Target.Namespace ?? DefaultSchema,
            t.Target.Name,
            t.Columns.Select((c, i) => (new CatalogColumn(c.Name, i + 1, DuckDbTypeMapping.TypeName(c.Type), c.Nullable), i)).ToList())));
    }

    private static ImmutableArray<CatalogTable> Build(IEnumerable<(string Schema, string Table, List<(CatalogColumn Column, int Row)> Columns)> tables) =>
    [
        .. tables
            .Select(t => new CatalogTable(
                t.Schema,
                t.Table,
                [.. t.Columns.OrderBy(c => c.Column.Ordinal == 0 ? int.MaxValue : c.Column.Ordinal).ThenBy(c => c.Row)
                    .Select((c, i) => c.Column.Ordinal == i + 1 ? c.Column : c.Column with { Ordinal = i + 1 })]))
            .OrderBy(t => t.Schema, StringComparer.Ordinal)
            .ThenBy(t => t.Name, StringComparer.Ordinal),
    ];

    private static int? Integer(CsvSheet sheet, CsvRow row, string column)
    {
        var text = sheet.Get(row, column);
        if (text.Length == 0 || text.Equals("NULL", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw sheet.Error(row, column, $"{column} must be a whole number, not '{text}'");
    }

    private static int? NullableInt(object? value) =>
        value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
}
