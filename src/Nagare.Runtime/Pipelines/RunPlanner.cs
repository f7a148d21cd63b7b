using System.Collections.Immutable;
using System.Globalization;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines.Scheduling;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Replication;
using Nagare.Templating;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// Turns a pipeline and a run's dates and parameters into the run the store creates: parameters checked against their
/// types (defaults rendered with the built-ins), fan-outs over lists and connections expanded, each step marked for
/// the workers that may run it, the deadline placed in time.
/// </summary>
public sealed class RunPlanner
{
    private readonly ProjectConfig project;

    /// <summary>A planner for the project's pipelines.</summary>
    public RunPlanner(ProjectConfig project)
    {
        this.project = project ?? throw new ArgumentNullException(nameof(project));
    }

    /// <summary>The time zone of a pipeline's dates: its schedule's, else its deadline's, else UTC.</summary>
    public static TimeZoneInfo ZoneOf(PipelineConfig pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return TimeZoneInfo.FindSystemTimeZoneById(pipeline.Schedule?.TimeZone ?? pipeline.Deadline?.TimeZone ?? "UTC");
    }

    /// <summary>The pipeline's schedule, or null.</summary>
    public static CronSchedule? ScheduleOf(PipelineConfig pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Schedule is { } s ? CronSchedule.Parse(s.Cron, s.TimeZone) : null;
    }

    /// <summary>The run to create.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="dates">The run's logical date, tick and data interval.</param>
    /// <param name="trigger">What started it.</param>
    /// <param name="overrides">Parameter values given for this run (text, checked against the parameters' types).</param>
    /// <param name="idempotencyKey">A key that makes a repeated request return the first run, or null.</param>
    /// <exception cref="PipelineException">An unknown parameter, a value of the wrong type, a required parameter missing, a template error.</exception>
    public NewRun Plan(PipelineConfig pipeline, RunDates dates, RunTrigger trigger, IReadOnlyDictionary<string, string>? overrides, string? idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(dates);
        var arguments = Arguments(pipeline, dates, overrides);
        var context = arguments.TemplateContext(pipeline.Name, 0, null);
        var steps = pipeline.Steps.Select(step => PlanStep(pipeline, step, context)).ToImmutableArray();
        DateTimeOffset? deadline = pipeline.Deadline is { } d ? Deadlines.DeadlineFor(d, dates.ScheduledAt, null) : null;
        return new NewRun(
            pipeline.Name,
            trigger,
            idempotencyKey,
            dates.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            dates.ScheduledAt,
            arguments.ToJson(),
            deadline,
            pipeline.Deadline?.MaxDuration,
            pipeline.MaxActiveRuns,
            pipeline.WhenRunning,
            steps);
    }

    /// <summary>The run's parameters (overrides, else defaults rendered with the built-ins) and built-ins.</summary>
    /// <exception cref="PipelineException">An unknown parameter, a value of the wrong type, a required parameter missing.</exception>
    public static RunArguments Arguments(PipelineConfig pipeline, RunDates dates, IReadOnlyDictionary<string, string>? overrides)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(dates);
        overrides ??= ImmutableDictionary<string, string>.Empty;
        var known = pipeline.Params.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = overrides.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new PipelineException($"Pipeline '{pipeline.Name}' has no parameter '{unknown[0]}'{YamlSection.Suggest(unknown[0], known)}. Its parameters: {(known.Count == 0 ? "(none)" : string.Join(", ", pipeline.Params.Select(p => p.Name)))}.");
        }

        var builtIns = dates.BuiltIns();
        var values = ImmutableSortedDictionary.CreateBuilder<string, object>(StringComparer.Ordinal);
        foreach (var parameter in pipeline.Params)
        {
            string text;
            if (overrides.TryGetValue(parameter.Name, out var given))
            {
                text = given;
            }
            else if (parameter.Default is { } template)
            {
                // Earlier parameters are visible to later defaults: {{ params.start }} in an end date.
                var context = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (name, value) in builtIns)
                {
                    context[name] = value;
                }

                context["params"] = values.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
                text = Render(template, context, $"the default of parameter '{parameter.Name}' ({parameter.Location})");
            }
            else
            {
                throw new PipelineException($"Pipeline '{pipeline.Name}' needs parameter '{parameter.Name}' ({parameter.Type.ToString().ToLowerInvariant()}): pass --param {parameter.Name}=VALUE.");
            }

            values[parameter.Name] = Typed(pipeline, parameter, text);
        }

        return new RunArguments(values.ToImmutable(), builtIns);
    }

    /// <summary>Renders a template of a pipeline with the run's variables.</summary>
    /// <exception cref="PipelineException">The template does not parse or fails; the message names <paramref name="what"/>.</exception>
    public static string Render(string template, IReadOnlyDictionary<string, object?> context, string what)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.Contains("{{", StringComparison.Ordinal) && !template.Contains("{%", StringComparison.Ordinal))
        {
            return template;
        }

        try
        {
            return new TemplateEnvironment(new TemplateOptions { StrictUndefined = true }).Parse(template, what).Render(context);
        }
        catch (TemplateException e)
        {
            throw new PipelineException($"Template of {what}: {e.Message}", e);
        }
    }

    private static object Typed(PipelineConfig pipeline, ParamConfig parameter, string text)
    {
        object? value = parameter.Type switch
        {
            ParamType.Int => long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            ParamType.Number => decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null,
            ParamType.Bool => text.Trim().ToLowerInvariant() switch
            {
                "true" or "yes" or "1" => true,
                "false" or "no" or "0" => false,
                _ => null,
            },
            ParamType.Date => DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            ParamType.Timestamp => DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts) ? ts.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : null,
            _ => text,
        };
        return value ?? throw new PipelineException($"Parameter '{parameter.Name}' of pipeline '{pipeline.Name}' is {Article(parameter.Type)} {parameter.Type.ToString().ToLowerInvariant()}{Example(parameter.Type)}; got '{text}'.");
    }

    private static string Article(ParamType type) => type == ParamType.Int ? "an" : "a";

    private static string Example(ParamType type) => type switch
    {
        ParamType.Date => " (yyyy-MM-dd)",
        ParamType.Timestamp => " (ISO 8601, e.g. 2026-12-01T03:00:00+09:00)",
        ParamType.Bool => " (true or false)",
        _ => string.Empty,
    };

    private NewStep PlanStep(PipelineConfig pipeline, StepConfig step, IReadOnlyDictionary<string, object?> context)
    {
        ImmutableArray<string?> items = step.ForEach switch
        {
            null => [null],
            { Connections: { } glob } => [.. project.Connections.Keys.Where(name => GlobPattern.IsMatch(glob, name)).Select(name => (string?)name)],
            { Query: not null } => [],
            { Items: var list } => [.. list.Select(item => (string?)Render(item, context, $"an item of step '{step.Name}' of pipeline '{pipeline.Name}'"))],
        };
        return new NewStep(
            step.Name,
            step.After,
            items,
            step.ForEach?.Query is not null,
            step.Parallelism,
            step.Retries.Retries + 1,
            step.Retries.Backoff,
            step.Retries.MaxBackoff,
            step.Timeout,
            step.Pool,
            NeedsWarehouse(step),
            step.Deadline?.MaxDuration);
    }

    /// <summary>
    /// True when the step's tasks write (or read) a DuckDB file of this machine: only a worker beside that file may run
    /// them (one process writes a DuckDB file). A name decided by a template counts as such, to be safe.
    /// </summary>
    private bool NeedsWarehouse(StepConfig step)
    {
        bool Local(string? connection) =>
            connection is null || connection.Contains("{{", StringComparison.Ordinal)
            || (project.Connections.TryGetValue(connection, out var c) && c.Type == "duckdb")
            || connection == ProjectConfig.WarehouseConnection;

        if (step.ForEach?.Query is not null && Local(step.ForEach.QueryConnection))
        {
            return true;
        }

        return step.Kind switch
        {
            StepKind.Command => false,
            StepKind.Sql => step.Into is not null || Local(step.Connection),
            StepKind.Sync when step.Target is { } name && !name.Contains("{{", StringComparison.Ordinal) && project.Syncs.TryGetValue(name, out var sync) =>
                Local(step.Source ?? sync.Source) || Local(sync.Destination),
            _ => true,
        };
    }
}
