using System.Collections.Immutable;
using System.Globalization;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Generates a partner company's data mart: one view per wanted table over the cleansed model, with only the
/// wanted columns (renamed when the CSV gives an alias) and only the company's rows.
/// The wanted-columns CSV has the columns <c>company, table, column[, alias]</c>; rows of other companies are skipped.
/// </summary>
public static class CompanyMartGenerator
{
    private static readonly ImmutableArray<string> Columns = ["company", "table", "column", "alias", "note"];

    /// <summary>Generates the company's models into memory.</summary>
    /// <param name="config">The company file.</param>
    /// <param name="catalog">The catalog the cleansed models were generated from.</param>
    /// <param name="rules">The rules of the cleansed models (their names and output columns).</param>
    /// <param name="templates">Parsed templates (the company's own folder first, when it has one).</param>
    /// <exception cref="GenerationException">A wanted table or column is unknown, or lacks the company column; the message names file, line and column.</exception>
    public static GenerationOutput Generate(CompanyMartConfig config, IReadOnlyList<CatalogTable> catalog, RuleSet rules, GenerationTemplates templates)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(templates);
        var sheet = CsvSheet.Read(config.TablesFile, config.TablesDisplay);
        sheet.RejectUnknownColumns(Columns);
        sheet.RequireColumns("company", "table", "column");
        var byFullName = catalog.ToDictionary(t => t.FullName, StringComparer.Ordinal);
        var byName = catalog.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var wanted = new SortedDictionary<string, (CatalogTable Table, List<(string Column, string? Alias)> Columns)>(StringComparer.Ordinal);
        var filterColumn = config.Params.GetValueOrDefault("company_column") as string;
        foreach (var row in sheet.Rows)
        {
            if (!string.Equals(sheet.Required(row, "company"), config.Company, StringComparison.Ordinal))
            {
                continue;
            }

            var tableName = sheet.Required(row, "table");
            var table = FindTable(tableName, byFullName, byName, problem => sheet.Error(row, "table", problem)) ?? throw sheet.Error(row, "table", $"unknown table '{tableName}'");
            var column = sheet.Required(row, "column");
            if (table.Find(column) is null)
            {
                throw sheet.Error(row, "column", $"{table.FullName} has no column '{column}'");
            }

            if (!string.IsNullOrEmpty(filterColumn) && table.Find(filterColumn) is null)
            {
                throw sheet.Error(row, "table", $"{table.FullName} has no column '{filterColumn}' (params.company_column) to keep only {config.Company}'s rows");
            }

            if (!wanted.TryGetValue(table.FullName, out var entry))
            {
                entry = (table, []);
                wanted.Add(table.FullName, entry);
            }

            if (entry.Columns.Exists(c => c.Column == column))
            {
                throw sheet.Error(row, "column", $"column '{column}' of {table.FullName} is listed twice for {config.Company}");
            }

            var alias = sheet.Get(row, "alias");
            entry.Columns.Add((column, alias.Length == 0 ? null : alias));
        }

        if (wanted.Count == 0)
        {
            throw new GenerationException($"{config.TablesDisplay} lists no tables for company '{config.Company}'.");
        }

        var resolver = new RuleResolver(rules);
        var layers = TemplateContext.Layers(rules.Settings);
        var parameters = TemplateContext.Params(config.Params);
        var company = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = config.Company,
            ["target_schema"] = config.TargetSchema,
            ["materialized"] = config.Materialized,
        };
        var rowFilter = RowFilter(config);
        var files = new List<GeneratedFile>();
        foreach (var (_, (table, columns)) in wanted)
        {
            var resolved = resolver.Resolve(table);
            var outputs = resolved.Columns.ToDictionary(c => c.Column.Name, StringComparer.Ordinal);
            var modelName = RuleResolver.ModelName(config.TargetSchema, table.Name);
            var context = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["company"] = company,
                ["table"] = TemplateContext.Table(resolved, rules.Settings),
                ["model_name"] = modelName,
                ["columns"] = columns.Select(c => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["name"] = c.Column,
                    ["quoted"] = SqlText.Identifier(c.Column),
                    ["alias"] = c.Alias,
                    ["output_name"] = c.Alias ?? c.Column,
                    ["output_quoted"] = SqlText.Identifier(c.Alias ?? c.Column),
                    ["type"] = outputs[c.Column].OutputType,
                    ["masked"] = outputs[c.Column].Mask is not null,
                }).ToList(),
                ["row_filter"] = rowFilter,
                ["layers"] = layers,
                ["params"] = parameters,
            };
            var origin = table.FullName + " for " + config.Company;
            string[] inputs = [config.Display, config.TablesDisplay];
            foreach (var (template, extension) in new[] { ("company.sql.j2", ".sql"), ("company.yml.j2", ".yml") })
            {
                var path = modelName + extension;
                var body = ModelGenerator.Render(templates, template, context, origin);
                files.Add(new GeneratedFile(path, ModelGenerator.Finish(path, origin, [.. inputs, templates.Origin(template)], body)));
            }
        }

        return new GenerationOutput(ModelGenerator.Sorted(files), wanted.Count, [], TableSelection.All);
    }

    private static CatalogTable? FindTable(string name, Dictionary<string, CatalogTable> byFullName, Dictionary<string, CatalogTable[]> byName, Func<string, GenerationException> error)
    {
        if (byFullName.TryGetValue(name, out var table))
        {
            return table;
        }

        if (byName.TryGetValue(name, out var tables))
        {
            return tables.Length == 1
                ? tables[0]
                : throw error($"table name '{name}' is in several schemas ({string.Join(", ", tables.Select(t => t.Schema))}); write schema.table");
        }

        return null;
    }

    private static string? RowFilter(CompanyMartConfig config)
    {
        if (config.Params.GetValueOrDefault("company_column") is not string { Length: > 0 } column)
        {
            return null;
        }

        var value = config.Params.GetValueOrDefault("company_id") switch
        {
            null => "NULL",
            string s => SqlText.Literal(s),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => SqlText.Literal(other.ToString() ?? string.Empty),
        };
        return $"{SqlText.Identifier(column)} = {value}";
    }
}
