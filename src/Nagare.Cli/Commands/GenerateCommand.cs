using System.CommandLine;
using Nagare.Cli.Output;
using System.Globalization;
using System.Text.Json;
using Nagare.Core.Json;
using Nagare.Runtime.Generation;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary>
/// <c>nagare generate</c>: renders cleansing models (or a partner company's data mart) from a catalog, rule sheets
/// and Jinja templates, and reports what changed.
/// </summary>
public static class GenerateCommand
{
    // Below this many tables generation is instant and a progress bar would only flicker.
    private const int ProgressThreshold = 500;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var project = new Option<string>("--project", "-p") { Description = "Project folder; paths in generated headers are relative to it.", DefaultValueFactory = _ => "." };
        var catalog = new Option<string?>("--catalog") { Description = "CSV export of information_schema.columns." };
        var connection = new Option<string?>("--connection") { Description = "Read the catalog of this connection (warehouse: the embedded DuckDB)." };
        var rules = new Option<string?>("--rules") { Description = $"Rule sheets folder (default {ProjectGenerator.DefaultRules} in the project, when present)." };
        var templates = new Option<string?>("--templates") { Description = $"Templates folder (default {ProjectGenerator.DefaultTemplates} in the project, else the built-ins)." };
        var output = new Option<string?>("--out") { Description = $"Output folder (default {ProjectGenerator.DefaultOutput} in the project; a company file's output_dir)." };
        var select = new Option<string?>("--select") { Description = "Only tables matching this glob over schema.table (or table names)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Leave out tables matching this glob over schema.table (or table names); repeatable.", AllowMultipleArgumentsPerToken = false };
        var sync = new Option<string?>("--sync") { Description = "With --connection of a source: name models' sources as this sync lands the tables (default: the one sync copying that connection into the warehouse)." };
        var prune = new Option<bool>("--prune") { Description = "Delete generated files that are no longer produced." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would change; write nothing." };
        var company = new Option<string?>("--company") { Description = "A company YAML: generate that company's data mart." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var initTemplates = new Option<bool>("--init-templates") { Description = "Write the built-in templates into --templates (default generate/templates) to edit them." };

        var command = new Command("generate", "Generate models from table metadata, rule sheets and templates.")
        {
            project, catalog, connection, rules, templates, output, select, exclude, sync, prune, dryRun, company, json, initTemplates,
        };
        var warehouse = new WarehouseOptions();
        warehouse.AddWait(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(project)!;
            if (parse.GetValue(initTemplates))
            {
                var folder = parse.GetValue(templates) ?? Path.Combine(root, ProjectGenerator.DefaultTemplates);
                var (written, kept) = GenerationTemplates.WriteBuiltIns(folder);
                foreach (var name in written)
                {
                    await context.Out.WriteLineAsync($"wrote {Path.Combine(folder, name)}").ConfigureAwait(false);
                }

                foreach (var name in kept)
                {
                    await context.Out.WriteLineAsync($"kept {Path.Combine(folder, name)} (exists)").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }

            var options = new GenerateOptions(
                root,
                parse.GetValue(catalog),
                parse.GetValue(connection),
                parse.GetValue(rules),
                parse.GetValue(templates),
                parse.GetValue(output),
                parse.GetValue(select),
                parse.GetValue(prune),
                parse.GetValue(dryRun),
                parse.GetValue(company))
            {
                Exclude = [.. parse.GetValue(exclude) ?? []],
                Sync = parse.GetValue(sync),
                LockWait = warehouse.WaitFor(parse),
            };
            var asJson = parse.GetValue(json);
            using var log = options.DryRun ? null : RunLog.Start(Path.GetFullPath(root), "generate", context.Time);
            var (summary, shown) = asJson || !context.Console.Profile.Capabilities.Interactive
                ? await ProjectGenerator.RunAsync(options, context.Time, null, cancellationToken).ConfigureAwait(false)
                : await RunWithProgressAsync(context, options, cancellationToken).ConfigureAwait(false);
            foreach (var (what, files) in new[] { ("created", summary.Created), ("changed", summary.Changed), ("removed", summary.Removed) })
            {
                foreach (var file in files)
                {
                    log?.Write($"{what} {file}");
                }
            }

            log?.Write($"{summary.Tables} tables: {summary.Created.Length} created, {summary.Changed.Length} changed, {summary.Unchanged.Length} unchanged, {summary.Removed.Length} removed, {summary.Stale.Length} stale");
            if (asJson)
            {
                await context.Out.WriteLineAsync(ToJson(summary, shown)).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(context, summary, shown).ConfigureAwait(false);
            }

            foreach (var warning in summary.Warnings)
            {
                await context.Error.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<(GenerationSummary, string)> RunWithProgressAsync(CliContext context, GenerateOptions options, CancellationToken cancellationToken)
    {
        (GenerationSummary, string) result = default;
        await context.Console.Progress().AutoClear(true).StartAsync(async progressContext =>
        {
            ProgressTask? task = null;
            var progress = new ProgressReport(update =>
            {
                if (update.Total < ProgressThreshold)
                {
                    return;
                }

                task ??= progressContext.AddTask("generating", maxValue: update.Total);
                task.Value = update.Done;
            });
            result = await ProjectGenerator.RunAsync(options, context.Time, progress, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    private static async Task WriteTextAsync(CliContext context, GenerationSummary summary, string output)
    {
        var verb = summary.DryRun ? "would be " : string.Empty;
        foreach (var (label, paths) in new[] { ("created", summary.Created), ("changed", summary.Changed), ("removed", summary.Removed), ("stale", summary.Stale) })
        {
            foreach (var path in paths.Take(50))
            {
                await context.Out.WriteLineAsync($"  {label,-8} {output}/{path}").ConfigureAwait(false);
            }

            if (paths.Length > 50)
            {
                await context.Out.WriteLineAsync($"  ... and {paths.Length - 50} more {label}").ConfigureAwait(false);
            }
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Tables} tables → {output}: {summary.Created.Length} {verb}created, {summary.Changed.Length} {verb}changed, {summary.Unchanged.Length} unchanged, {summary.Removed.Length} {verb}removed");
        await context.Out.WriteLineAsync(line).ConfigureAwait(false);
        if (summary.Stale.Length > 0)
        {
            await context.Out.WriteLineAsync($"{summary.Stale.Length} generated files are no longer produced; re-run with --prune to delete them.").ConfigureAwait(false);
        }
    }

    private static string ToJson(GenerationSummary summary, string output) => JsonText.Indented(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("output", output);
        writer.WriteBoolean("dry_run", summary.DryRun);
        writer.WriteNumber("tables", summary.Tables);
        writer.WriteStrings("created", summary.Created);
        writer.WriteStrings("changed", summary.Changed);
        writer.WriteNumber("unchanged", summary.Unchanged.Length);
        writer.WriteStrings("removed", summary.Removed);
        writer.WriteStrings("stale", summary.Stale);
        writer.WriteStrings("warnings", summary.Warnings);
        writer.WriteEndObject();
    });

    /// <summary>Reports on the caller's thread; Spectre's progress task is safe to update from any thread.</summary>
    private sealed class ProgressReport(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
