using System.Collections.Immutable;
using Nagare.Runtime.Replication;
using Nagare.Templating;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Renders one cleansing model per catalog table (plus its YAML, a secret twin for masked tables, and one sources
/// file per lake schema). Templates are parsed once and rendered for every table in parallel; the output is
/// sorted by path so it never depends on scheduling.
/// </summary>
public static class ModelGenerator
{
    /// <summary>Generates the models for <paramref name="catalog"/> into memory.</summary>
    /// <param name="catalog">Tables to generate for.</param>
    /// <param name="catalogDisplay">The catalog input as named in headers (a file, or <c>connection NAME</c>).</param>
    /// <param name="rules">Rule sheets and settings.</param>
    /// <param name="templates">Parsed templates.</param>
    /// <param name="selection">The tables to generate; null for all.</param>
    /// <param name="progress">Receives the number of tables done so far.</param>
    /// <param name="cancellationToken">Stops between tables.</param>
    public static GenerationOutput Generate(
        IReadOnlyList<CatalogTable> catalog,
        string catalogDisplay,
        RuleSet rules,
        GenerationTemplates templates,
        TableSelection? selection = null,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(templates);
        selection ??= TableSelection.All;
        var selected = catalog.Where(selection.Includes).ToArray();
        var resolver = new RuleResolver(rules);
        var settings = rules.Settings;
        var layers = TemplateContext.Layers(settings);
        var parameters = TemplateContext.Params(settings.Params);
        var results = new GeneratedFile[selected.Length][];
        var done = 0;
        try
        {
            Parallel.For(
                0,
                selected.Length,
                new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
                i =>
                {
                    results[i] = GenerateTable(selected[i], catalogDisplay, resolver, settings, templates, layers, parameters);
                    var count = Interlocked.Increment(ref done);
                    if (progress is not null && (count % 64 == 0 || count == selected.Length))
                    {
                        progress.Report(count);
                    }
                });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Report the first failing table as if generation ran in order, not a bundle of parallel failures.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        var files = results.SelectMany(r => r).ToList();
        // A sources file declares every table of its schema, so that generating part of the catalog (--select,
        // --exclude) writes it as a full run does and models generated earlier still find their source.
        foreach (var schema in selected.Select(t => t.Schema).Distinct(StringComparer.Ordinal))
        {
            files.Add(SourcesFile(schema, catalog, catalogDisplay, templates, layers, parameters));
        }

        var warnings = resolver.UnusedRules().Select(r => $"{r}: the rule matched no table or column").ToImmutableArray();
        if (selection.IsPartial)
        {
            // Rules for tables outside the selection are expected to match nothing.
            warnings = [];
        }

        return new GenerationOutput(Sorted(files), selected.Length, warnings, selection);
    }

    internal static ImmutableArray<GeneratedFile> Sorted(List<GeneratedFile> files)
    {
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        for (var i = 1; i < files.Count; i++)
        {
            if (files[i].Path == files[i - 1].Path)
            {
                throw new GenerationException($"Two generated files would both be '{files[i].Path}'; rename one of the tables or change the layer names.");
            }
        }

        return [.. files];
    }

    internal static string Finish(string path, string origin, IEnumerable<string> inputs, string body)
    {
        var text = body.ReplaceLineEndings("\n").TrimEnd('\n', ' ', '\t');
        return GeneratedHeader.For(path, origin, inputs) + "\n" + text + "\n";
    }

    internal static string Render(GenerationTemplates templates, string name, Dictionary<string, object?> context, string what)
    {
        try
        {
            return templates.Render(name, context);
        }
        catch (TemplateException e)
        {
            throw new GenerationException($"{e.Message}, rendering {what}", e);
        }
    }

    private static GeneratedFile[] GenerateTable(
        CatalogTable table,
        string catalogDisplay,
        RuleResolver resolver,
        GenerationSettings settings,
        GenerationTemplates templates,
        Dictionary<string, object?> layers,
        Dictionary<string, object?> parameters)
    {
        var resolved = resolver.Resolve(table);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["table"] = TemplateContext.Table(resolved, settings),
            ["layers"] = layers,
            ["params"] = parameters,
        };
        var folder = table.Schema + "/";
        var files = new List<GeneratedFile>(4);
        Add(folder + resolved.ModelName + ".sql", "model.sql.j2");
        Add(folder + resolved.ModelName + ".yml", "model.yml.j2");
        if (resolved.IsMasked)
        {
            var secretFolder = table.Schema + settings.SecretSuffix + "/";
            Add(secretFolder + resolved.SecretModelName + ".sql", "secret.sql.j2");
            Add(secretFolder + resolved.SecretModelName + ".yml", "secret.yml.j2");
        }

        return [.. files];

        void Add(string path, string template)
        {
            var body = Render(templates, template, context, table.FullName);
            string[] inputs = [catalogDisplay, .. resolved.RuleFiles, templates.Origin(template)];
            files.Add(new GeneratedFile(path, Finish(path, table.FullName, inputs, body)));
        }
    }

    private static GeneratedFile SourcesFile(
        string schema,
        IReadOnlyList<CatalogTable> catalog,
        string catalogDisplay,
        GenerationTemplates templates,
        Dictionary<string, object?> layers,
        Dictionary<string, object?> parameters)
    {
        var tables = catalog.Where(t => t.Schema == schema).Select(t => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = t.Name,
            ["columns"] = t.Columns.Select(c => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = c.Name,
                ["type"] = c.DataType,
            }).ToList(),
        }).ToList();
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["schema"] = schema,
            ["tables"] = tables,
            ["layers"] = layers,
            ["params"] = parameters,
        };
        var path = schema + "/_" + schema + "__sources.yml";
        var body = Render(templates, "sources.yml.j2", context, "the sources of " + schema);
        return new GeneratedFile(path, Finish(path, schema + ".*", [catalogDisplay, templates.Origin("sources.yml.j2")], body));
    }
}
