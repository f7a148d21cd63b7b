using System.Collections.Immutable;
using Nagare.Connectors.DuckDb;
using Nagare.Core.Connectors;
using Nagare.DuckDb;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Generation;

/// <summary>
/// <c>nagare generate</c> end to end: reads the catalog, rule sheets and templates once, renders every model and
/// writes what changed.
/// </summary>
public static class ProjectGenerator
{
    /// <summary>Default rules folder, relative to the project.</summary>
    public const string DefaultRules = "generate/rules";

    /// <summary>Default templates folder, relative to the project.</summary>
    public const string DefaultTemplates = "generate/templates";

    /// <summary>Default output folder, relative to the project.</summary>
    public const string DefaultOutput = "models/dwh";

    /// <summary>Runs a generation.</summary>
    /// <param name="options">What to generate.</param>
    /// <param name="time">The clock (for connectors).</param>
    /// <param name="progress">Receives the total number of tables once known, then tables done.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The summary and the output folder as shown to the user.</returns>
    public static async Task<(GenerationSummary Summary, string Output)> RunAsync(GenerateOptions options, TimeProvider time, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = Path.GetFullPath(options.ProjectDirectory);
        var (catalog, catalogDisplay, catalogWarning) = await ReadCatalogAsync(options, root, time, cancellationToken).ConfigureAwait(false);
        catalog = catalog.RemoveAll(t => OwnTables.Contains(t.Schema, t.Name));
        var rules = LoadRules(options, root);
        CompanyMartConfig? company = null;
        if (options.CompanyFile is not null)
        {
            var companyPath = Path.GetFullPath(options.CompanyFile);
            company = CompanyMartConfig.Load(companyPath, Display(root, companyPath), root);
        }

        var templateDirectories = new List<(string, string)>();
        if (company?.TemplatesDirectory is { } companyTemplates)
        {
            templateDirectories.Add((companyTemplates, company.TemplatesDisplay!));
        }

        if (TemplatesFolder(options, root) is { } templates)
        {
            templateDirectories.Add((templates, Display(root, templates)));
        }

        var parsed = GenerationTemplates.Load(templateDirectories);
        GenerationOutput output;
        string outputDirectory;
        if (company is not null)
        {
            output = CompanyMartGenerator.Generate(company, catalog, rules, parsed);
            outputDirectory = options.OutputDirectory is null ? company.OutputDirectory : Path.GetFullPath(options.OutputDirectory);
        }
        else
        {
            var selection = new TableSelection(options.Select, options.Exclude);
            var total = catalog.Count(selection.Includes);
            progress?.Report((0, total));
            var tableProgress = progress is null ? null : new TableProgress(done => progress.Report((done, total)));
            output = ModelGenerator.Generate(catalog, catalogDisplay, rules, parsed, selection, tableProgress, cancellationToken);
            outputDirectory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine(root, DefaultOutput));
        }

        if (catalogWarning is not null)
        {
            output = output with { Warnings = output.Warnings.Insert(0, catalogWarning) };
        }

        var summary = await GeneratedFileWriter.WriteAsync(output, outputDirectory, options.Prune, options.DryRun, cancellationToken).ConfigureAwait(false);
        return (summary, Display(root, outputDirectory));
    }

    /// <summary>A path as headers and messages show it: relative to the project when inside it, with <c>/</c>.</summary>
    public static string Display(string projectRoot, string path)
    {
        ArgumentNullException.ThrowIfNull(projectRoot);
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(projectRoot, full);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
        return shown.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static async Task<(ImmutableArray<CatalogTable> Tables, string Display, string? Warning)> ReadCatalogAsync(
        GenerateOptions options, string root, TimeProvider time, CancellationToken cancellationToken)
    {
        if ((options.CatalogFile is null) == (options.Connection is null))
        {
            throw new GenerationException("Give exactly one of --catalog CSV or --connection NAME.");
        }

        if (options.Sync is not null && (options.Connection is null || options.Connection == ProjectConfig.WarehouseConnection))
        {
            throw new GenerationException("--sync applies to --connection NAME of a source connection, whose tables that sync copies into the warehouse.");
        }

        if (options.CatalogFile is { } file)
        {
            if (!File.Exists(file))
            {
                throw new GenerationException($"No catalog file at '{file}'.") { Hint = "Export information_schema.columns to CSV (see docs/generate.md)." };
            }

            var display = Display(root, file);
            return (CatalogReader.ReadCsv(file, display), display, null);
        }

        var name = options.Connection!;
        if (name == ProjectConfig.WarehouseConnection)
        {
            var path = ProjectLoader.WarehousePath(root) ?? Path.Combine(root, ProjectDefaults.WarehousePath);
            if (!File.Exists(path))
            {
                throw new GenerationException($"No warehouse at '{Display(root, path)}'.") { Hint = "Load data first (nagare sync or nagare demo), or pass --catalog CSV." };
            }

            using var connection = WarehouseFile.Open(
                new DuckDbConnectionStringBuilder { DataSource = path }, new WarehouseOpenOptions { ReadOnly = true, Wait = options.LockWait, Time = time }, cancellationToken);
            return (await CatalogReader.ReadDuckDbAsync(connection, cancellationToken).ConfigureAwait(false), "connection " + name, null);
        }

        // Read, not Load: a broken file elsewhere in the project does not stop generating from this connection.
        var project = ProjectLoader.Read(root);
        var sync = LandingSync(project, name, options.Sync);
        await using var endpoint = ConnectorRegistry.Default.Create(project, name, time, options.LockWait);
        if (endpoint is not ISource source)
        {
            throw new GenerationException($"Connection '{name}' cannot be read from, so it has no catalog to generate from.");
        }

        if (sync is null)
        {
            var tables = await CatalogReader.ReadSourceAsync(source, DiscoverRequest.All, cancellationToken).ConfigureAwait(false);
            var warning = $"no sync copies connection '{name}' into the warehouse, so sources are named by the tables' own schema.table in '{name}'; "
                + "add a sync (or generate from --connection warehouse after syncing) to point the models at the lake tables";
            return (tables, "connection " + name, warning);
        }

        // Planned exactly as `nagare sync` plans it, with the warehouse's identifier rules, so every model points at
        // the table the sync lands (target_schema, naming, sanitized names) with the columns it lands.
        await using var warehouse = ConnectorRegistry.Default.Create(project, ProjectConfig.WarehouseConnection, time, options.LockWait);
        var plan = await ReplicationPlanner.PlanAsync(sync, source, (warehouse as IDestination)?.Dialect, PlanOptions.Default, cancellationToken).ConfigureAwait(false);
        return (CatalogReader.ReadPlan(plan), $"connection {name} landed by sync {sync.Name}", null);
    }

    /// <summary>
    /// The sync whose landing names a source connection's tables get: the one named, else the only sync copying the
    /// connection into the warehouse (models are built there), else none.
    /// </summary>
    private static SyncConfig? LandingSync(ProjectConfig project, string connection, string? named)
    {
        var landing = project.Syncs.Values
            .Where(s => s.Source == connection && s.Destination == ProjectConfig.WarehouseConnection)
            .ToList();
        var listed = landing.Count == 0 ? "none" : string.Join(", ", landing.Select(s => s.Name));
        if (named is not null)
        {
            var sync = landing.Find(s => s.Name == named);
            return sync ?? throw new GenerationException(
                $"Sync '{named}' does not copy connection '{connection}' into the warehouse; the syncs that do: {listed}.");
        }

        return landing.Count switch
        {
            0 => null,
            1 => landing[0],
            _ => throw new GenerationException(
                $"Connection '{connection}' is copied into the warehouse by several syncs ({listed}), which land its tables under different names.")
            {
                Hint = $"Choose the one whose lake tables the models read: --sync {landing[0].Name}.",
            },
        };
    }

    private static RuleSet LoadRules(GenerateOptions options, string root)
    {
        if (options.RulesDirectory is { } rules)
        {
            return RuleSetLoader.Load(Path.GetFullPath(rules), Display(root, rules));
        }

        var fallback = Path.Combine(root, DefaultRules);
        return Directory.Exists(fallback) ? RuleSetLoader.Load(fallback, DefaultRules) : RuleSet.Empty;
    }

    private static string? TemplatesFolder(GenerateOptions options, string root)
    {
        if (options.TemplatesDirectory is { } templates)
        {
            return Path.GetFullPath(templates);
        }

        var fallback = Path.Combine(root, DefaultTemplates);
        return Directory.Exists(fallback) ? fallback : null;
    }

    /// <summary>Reports on the rendering thread; the host marshals to its UI.</summary>
    private sealed class TableProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
