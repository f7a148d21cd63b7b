using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Core;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Pipelines of the project, and starting runs of them.</summary>
public static class PipelinesApi
{
    /// <summary>A pipeline as listed.</summary>
    /// <param name="Name">Its name.</param>
    /// <param name="Description">What it is for, or null.</param>
    /// <param name="Schedule">Its cron expression, or null.</param>
    /// <param name="TimeZone">The schedule's IANA time zone, or null.</param>
    /// <param name="Params">Its parameters in file order.</param>
    /// <param name="Steps">Its step names in file order.</param>
    /// <param name="After">Pipelines whose successful runs start a run of this one.</param>
    /// <param name="MaxActiveRuns">Runs active at once.</param>
    /// <param name="File">The file defining it, relative to the project folder.</param>
    /// <param name="Deadline">When a run must be finished, or null.</param>
    /// <param name="StepsDetail">Its steps in file order: kind, what they run, what they wait for, their deadline.</param>
    /// <param name="NextRunAt">The schedule's next tick after now, with the schedule's offset; null without a schedule.</param>
    /// <param name="LastRun">Its newest run, or null when it never ran.</param>
    public sealed record PipelineView(
        string Name,
        string? Description,
        string? Schedule,
        string? TimeZone,
        IReadOnlyList<ParamView> Params,
        IReadOnlyList<string> Steps,
        IReadOnlyList<string> After,
        int MaxActiveRuns,
        string File,
        DeadlineView? Deadline,
        IReadOnlyList<StepView> StepsDetail,
        DateTimeOffset? NextRunAt,
        LastRunView? LastRun);

    /// <summary>A parameter of a pipeline.</summary>
    public sealed record ParamView(string Name, string Type, string? Default, string? Description);

    /// <summary>A deadline of a pipeline or step.</summary>
    /// <param name="Time">The time of day (<c>HH:mm</c>) a run must be finished by, or null.</param>
    /// <param name="TimeZone">The IANA time zone of <paramref name="Time"/>.</param>
    /// <param name="MaxDurationSeconds">How long a run (or step) may take from its start, or null.</param>
    public sealed record DeadlineView(string? Time, string TimeZone, double? MaxDurationSeconds);

    /// <summary>A step of a pipeline.</summary>
    /// <param name="Name">Its name.</param>
    /// <param name="Kind">The key it is written with: <c>sync</c>, <c>build</c>, <c>test</c>, <c>sql</c>, <c>sql_file</c>, <c>command</c> or <c>activate</c>.</param>
    /// <param name="Target">What it runs, short: the sync or activation, the selector, the SQL, the SQL file or the command line (cut at 200 characters); null when there is nothing to show.</param>
    /// <param name="After">The steps it waits for (only those written in <c>after:</c>: steps without one may start at once).</param>
    /// <param name="Deadline">Its own deadline, or null.</param>
    public sealed record StepView(string Name, string Kind, string? Target, IReadOnlyList<string> After, DeadlineView? Deadline);

    /// <summary>The newest run of a pipeline.</summary>
    /// <param name="Id">The run's id.</param>
    /// <param name="State">Its state (<c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>, <c>skipped</c>).</param>
    /// <param name="LogicalDate">The date it is for.</param>
    /// <param name="FinishedAt">When it finished, or null.</param>
    /// <param name="Slo">Where it stands against its deadline (<c>on_track</c>, <c>at_risk</c>, <c>late</c>, <c>met</c>, <c>missed</c>), or null without one.</param>
    public sealed record LastRunView(long Id, string State, string LogicalDate, DateTimeOffset? FinishedAt, string? Slo);

    /// <summary>All pipelines.</summary>
    public sealed record PipelineList(IReadOnlyList<PipelineView> Items);

    /// <summary>A run to start: parameters by name (as text, checked against their types), a logical date, an idempotency key.</summary>
    public sealed record RunRequest(IReadOnlyDictionary<string, string>? Params = null, string? Date = null, string? IdempotencyKey = null);

    /// <summary>A started run: <paramref name="Existing"/> when the idempotency key named a run made before.</summary>
    public sealed record StartedRun(long Id, string State, bool Existing, string Url);

    /// <summary>A backfill: runs for the logical dates <paramref name="From"/> to <paramref name="To"/> (both included, <c>yyyy-MM-dd</c>), with the same parameters.</summary>
    public sealed record BackfillRequest(string From, string To, IReadOnlyDictionary<string, string>? Params = null);

    /// <summary>A run of a backfill.</summary>
    /// <param name="Id">The run's id.</param>
    /// <param name="LogicalDate">The date it is for.</param>
    /// <param name="Existing">True when an earlier backfill of the same date and parameters made it (it is not made again).</param>
    /// <param name="State">Its state.</param>
    public sealed record BackfillRun(long Id, string LogicalDate, bool Existing, string State);

    /// <summary>The runs of a backfill, oldest first.</summary>
    public sealed record BackfillResult(IReadOnlyList<BackfillRun> Runs);

    private const int TargetLength = 200;

    /// <summary>Maps the endpoints.</summary>
    public static void MapPipelinesApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/pipelines";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "pipelines", "Lists the project's pipelines with their steps, deadline, next scheduled run and newest run.", Response: typeof(PipelineList)), async context =>
        {
            var server = HealthApi.Server(context);
            var project = server.Project;
            // One query for every pipeline's newest run, however many pipelines there are.
            var latest = await server.Store.LatestRunsAsync(context.RequestAborted).ConfigureAwait(false);
            var now = server.Time.GetUtcNow();
            return TypedResults.Json(new PipelineList([.. project.Pipelines.Values.Select(p => View(p, project.Root, now, latest.GetValueOrDefault(p.Name)))]), ApiJson.Options);
        });
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}", ApiAccess.Viewer, ApiScopes.Read, "pipelines", "A pipeline with its steps, deadline, next scheduled run and newest run.", Response: typeof(PipelineView)), async context =>
        {
            var server = HealthApi.Server(context);
            var name = NagareApi.Route(context, "name");
            if (!server.Project.Pipelines.TryGetValue(name, out var pipeline))
            {
                return Problems.NotFound($"No pipeline '{name}'.");
            }

            var latest = await server.Store.ListRunsAsync(new RunFilter(name, Limit: 1), context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(View(pipeline, server.Project.Root, server.Time.GetUtcNow(), latest.FirstOrDefault()), ApiJson.Options);
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/runs", ApiAccess.Analyst, ApiScopes.Run, "pipelines", "Starts a run (Idempotency-Key header or idempotency_key: a repeated request returns the first run).", typeof(RunRequest), typeof(StartedRun), 201,
            new RunRequest(new Dictionary<string, string>(StringComparer.Ordinal) { ["target_date"] = "2026-12-01" }, null, "nightly-2026-12-01")), StartAsync);
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/backfill", ApiAccess.Analyst, ApiScopes.Run, "pipelines", "Creates one run per logical date from..to (per tick of a schedule), at most 10,000; dates an earlier backfill made are not made again.", typeof(BackfillRequest), typeof(BackfillResult), 201,
            new BackfillRequest("2026-11-01", "2026-11-07", new Dictionary<string, string>(StringComparer.Ordinal) { ["region"] = "apac" })), BackfillAsync);
    }

    private static async Task<IResult> StartAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (!server.Project.Pipelines.ContainsKey(name))
        {
            return Problems.NotFound($"No pipeline '{name}'.");
        }

        var (body, problem) = context.Request.ContentLength is 0 || (context.Request.ContentLength is null && context.Request.ContentType is null)
            ? (new RunRequest(), null)
            : await ApiJson.ReadAsync<RunRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        DateOnly? date = null;
        if (body!.Date is { } text)
        {
            var (parsed, bad) = ParseDate(text, "date", "$.date");
            if (bad is not null)
            {
                return bad;
            }

            date = parsed;
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : body.IdempotencyKey;
        if (key is { Length: > 200 })
        {
            return Problems.BadRequest("An idempotency key has at most 200 characters.", "Idempotency-Key");
        }

        try
        {
            var run = await server.Pipelines.StartAsync(name, body.Params, date, key, context.RequestAborted).ConfigureAwait(false);
            server.Audit.Record(context, "run.create", $"{name} #{run.Id}", "allowed", run.Existing ? "existing run (idempotency key)" : null);
            var url = $"{NagareApi.Prefix}/runs/{run.Id}";
            context.Response.Headers.Location = url;
            return TypedResults.Json(new StartedRun(run.Id, run.State, run.Existing, url), ApiJson.Options, statusCode: run.Existing ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        }
        catch (PipelineException e)
        {
            return Problems.BadRequest(e.Message, ParamField(e.Message));
        }
    }

    private static async Task<IResult> BackfillAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (!server.Project.Pipelines.ContainsKey(name))
        {
            return Problems.NotFound($"No pipeline '{name}'.");
        }

        var (body, problem) = await ApiJson.ReadAsync<BackfillRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var (from, badFrom) = ParseDate(body!.From, "from", "$.from");
        var (to, badTo) = ParseDate(body.To, "to", "$.to");
        if ((badFrom ?? badTo) is { } bad)
        {
            return bad;
        }

        IReadOnlyList<BackfilledRun> runs;
        try
        {
            runs = await server.Pipelines.BackfillAsync(name, from, to, body.Params, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            return Problems.BadRequest(e.Message, ParamField(e.Message));
        }
        catch (ArgumentException e)
        {
            // Backfill's own limits: an empty range names from, one of too many runs names to.
            var suffix = e.ParamName is null ? string.Empty : $" (Parameter '{e.ParamName}')";
            var message = e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
            return Problems.BadRequest(message, e.ParamName == "from" ? "$.from" : "$.to");
        }

        var made = runs.Count(r => !r.Existing);
        var ids = runs.Count == 0 ? "no run" : runs.Count == 1 ? $"#{runs[0].Id}" : $"#{runs.Min(r => r.Id)}–#{runs.Max(r => r.Id)}";
        server.Audit.Record(context, "run.backfill", $"{name} {body.From}..{body.To}", "allowed", string.Create(CultureInfo.InvariantCulture, $"{made} run(s) created, {runs.Count - made} existing ({ids})"));
        var result = new BackfillResult([.. runs.Select(r => new BackfillRun(r.Id, Text(r.LogicalDate), r.Existing, r.State))]);
        return TypedResults.Json(result, ApiJson.Options, statusCode: made > 0 ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary><paramref name="text"/> as a <c>yyyy-MM-dd</c> date, or a problem naming <paramref name="field"/>.</summary>
    private static (DateOnly Date, IResult? Problem) ParseDate(string text, string what, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? (date, null)
            : (default, Problems.BadRequest($"{what} must be YYYY-MM-DD; got '{Clip(text)}'.", field));

    /// <summary>The field a parameter error is about: <c>$.params.NAME</c> when the message names a parameter (<c>parameter 'NAME'</c>; the pipeline is quoted too).</summary>
    private static string ParamField(string message)
    {
        const string Named = "arameter '";
        var at = message.IndexOf(Named, StringComparison.Ordinal);
        var start = at < 0 ? -1 : at + Named.Length;
        var end = start < 0 ? -1 : message.IndexOf('\'', start);
        return end > start ? $"$.params.{message[start..end]}" : "$.params";
    }

    private static PipelineView View(PipelineConfig pipeline, string root, DateTimeOffset now, RunRecord? latest) => new(
        pipeline.Name,
        pipeline.Description,
        pipeline.Schedule?.Cron,
        pipeline.Schedule?.TimeZone,
        [.. pipeline.Params.Select(p => new ParamView(p.Name, p.Type.ToString().ToLowerInvariant(), p.Default, p.Description))],
        [.. pipeline.Steps.Select(s => s.Name)],
        pipeline.AfterPipelines.IsDefault ? ImmutableArray<string>.Empty : pipeline.AfterPipelines,
        pipeline.MaxActiveRuns,
        Path.GetRelativePath(root, pipeline.Location.File),
        Deadline(pipeline.Deadline),
        [.. pipeline.Steps.Select(s => new StepView(s.Name, KindOf(s), TargetOf(s), s.After.IsDefault ? [] : s.After, Deadline(s.Deadline)))],
        RunPlanner.ScheduleOf(pipeline)?.NextAfter(now),
        latest is null ? null : new LastRunView(latest.Id, latest.State, latest.LogicalDate, latest.FinishedAt, latest.Slo));

    private static DeadlineView? Deadline(DeadlineConfig? deadline) => deadline is null ? null : new(
        deadline.TimeOfDay?.ToString("HH:mm", CultureInfo.InvariantCulture),
        deadline.TimeZone,
        deadline.MaxDuration?.TotalSeconds);

    /// <summary>The key the step is written with.</summary>
    private static string KindOf(StepConfig step) => step.Kind == StepKind.Sql && step.File is not null ? "sql_file" : step.Kind.ToString().ToLowerInvariant();

    private static string? TargetOf(StepConfig step)
    {
        var target = step.Kind switch
        {
            StepKind.Command => step.Command.IsDefaultOrEmpty ? null : string.Join(' ', step.Command.Select(a => a.Any(char.IsWhiteSpace) || a.Length == 0 ? $"\"{a}\"" : a)),
            StepKind.Sql when step.File is not null => step.File,
            _ => step.Target,
        };
        return target is null ? null : Clip(target.ReplaceLineEndings(" ").Trim(), TargetLength);
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Clip(string text, int length = 64) => text.Length > length ? text[..length] + "…" : text;
}
