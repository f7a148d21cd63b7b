using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Generation;

/// <summary>
/// One partner company's data mart, from its YAML file: which tables and columns it receives (a CSV it sent),
/// where the models go, and the parameters that keep only its rows.
/// </summary>
/// <param name="Company">The company's short name, e.g. <c>hamee</c>.</param>
/// <param name="TablesFile">The CSV of wanted tables and columns (absolute).</param>
/// <param name="TablesDisplay">The CSV as named in messages and headers.</param>
/// <param name="OutputDirectory">Where its models go (absolute); default <c>models/mart/public_COMPANY</c> in the project.</param>
/// <param name="OutputDisplay">The output folder as named in messages.</param>
/// <param name="TargetSchema">Schema of its views; default <c>public_COMPANY</c>.</param>
/// <param name="TemplatesDirectory">Its own templates folder (absolute), or null.</param>
/// <param name="TemplatesDisplay">The templates folder as named in messages, or null.</param>
/// <param name="Materialized">Materialization of its models; default <c>view</c>.</param>
/// <param name="Params">Parameters for templates; <c>company_column</c> and <c>company_id</c> make the row filter.</param>
/// <param name="Display">The YAML file as named in messages.</param>
public sealed record CompanyMartConfig(
    string Company,
    string TablesFile,
    string TablesDisplay,
    string OutputDirectory,
    string OutputDisplay,
    string TargetSchema,
    string? TemplatesDirectory,
    string? TemplatesDisplay,
    string Materialized,
    ImmutableSortedDictionary<string, object?> Params,
    string Display)
{
    /// <summary>Reads a company file; relative paths in it are relative to <paramref name="projectDirectory"/>.</summary>
    /// <param name="path">The YAML file.</param>
    /// <param name="display">The file as named in messages.</param>
    /// <param name="projectDirectory">The project folder.</param>
    public static CompanyMartConfig Load(string path, string display, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(projectDirectory);
        if (!File.Exists(path))
        {
            throw new GenerationException($"No company file at '{display}'.");
        }

        var yaml = YamlSection.Load(path, display, Environment.GetEnvironmentVariable);
        var company = yaml.RequiredString("company");
        foreach (var c in company)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw yaml.Error("company", $"'{company}' must use letters, digits and '_' only (it becomes a schema name)");
            }
        }

        var tables = yaml.RequiredString("tables");
        var output = yaml.String("output_dir") ?? $"models/mart/public_{company}";
        var schema = yaml.String("target_schema") ?? $"public_{company}";
        var templates = yaml.String("templates");
        var materialized = yaml.String("materialized") ?? "view";
        var parameters = YamlValues.ToParams(yaml.Node("params"), display);
        yaml.RejectUnknownKeys();
        if (!parameters.ContainsKey("company_column"))
        {
            throw yaml.Error("params", "params.company_column is required: the column that keeps only this company's rows (set it to '' to publish whole tables)");
        }

        if (parameters["company_column"] is string { Length: > 0 } && !parameters.ContainsKey("company_id"))
        {
            throw yaml.Error("params", "params.company_id is required with params.company_column");
        }

        return new CompanyMartConfig(
            company,
            Path.GetFullPath(tables, projectDirectory),
            tables,
            Path.GetFullPath(output, projectDirectory),
            output,
            schema,
            templates is null ? null : Path.GetFullPath(templates, projectDirectory),
            templates,
            materialized,
            parameters,
            display);
    }
}
