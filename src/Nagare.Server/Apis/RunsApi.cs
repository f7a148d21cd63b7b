using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Runs: list, show, cancel, re-run, and their logs (also as server-sent events while they run).</summary>
public static class RunsApi
{
    /// <summary>A run.</summary>
    public sealed record RunView(long Id, string Pipeline, string Trigger, string LogicalDate, string State, [property: JsonConverter(typeof(RawJsonConverter))] string Params, DateTimeOffset ScheduledAt, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? DeadlineAt, DateTimeOffset? Eta, string? Slo, string? Error);

    /// <summary>A run with its steps, tasks and attempts.</summary>
    public sealed record RunDetailView(RunView Run, ImmutableArray<StepRecord> Steps, ImmutableArray<TaskRecord> Tasks, ImmutableArray<AttemptRecord> Attempts);

    /// <summary>A page of runs, newest first; <paramref name="Next"/> is the next page's URL, or null.</summary>
    public sealed record RunPage(IReadOnlyList<RunView> Items, string? Next);

    /// <summary>Log lines; <paramref name="Next"/> is the URL of the lines after these.</summary>
    public sealed record LogPage(IReadOnlyList<LogLine> Items, string Next);

    /// <summary>Maps the endpoints.</summary>
    public static void MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/runs";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "runs", "Lists runs, newest first (?pipeline=, ?state=, ?before=ID, ?limit=).", Response: typeof(RunPage)), ListAsync);
        routes.Map(new ApiOperation("GET", $"{path}/{{id}}", ApiAccess.Viewer, ApiScopes.Read, "runs", "A run with its steps, tasks and attempts.", Response: typeof(RunDetailView)), async context =>
        {
            var detail = NagareApi.Id(context) is { } id ? await HealthApi.Server(context).Store.GetRunAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
            return detail is null
                ? Problems.NotFound($"No run {NagareApi.Route(context, "id")}.")
                : TypedResults.Json(new RunDetailView(View(detail.Run), detail.Steps, detail.Tasks, detail.Attempts), ApiJson.Options);
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{id}}/cancel", ApiAccess.Analyst, ApiScopes.Run, "runs", "Cancels a queued or running run.", Response: typeof(RunView)), context => ChangeAsync(context, "run.cancel", (store, id, now, ct) => store.CancelRunAsync(id, now, ct), "is not queued or running"));
        routes.Map(new ApiOperation("POST", $"{path}/{{id}}/rerun", ApiAccess.Analyst, ApiScopes.Run, "runs", "Runs a finished run again from its failed, cancelled and not-run tasks.", Response: typeof(RunView)), context => ChangeAsync(context, "run.rerun", (store, id, now, ct) => store.RerunAsync(id, now, ct), "has nothing to run again (it succeeded, or is still running)"));
        routes.Map(new ApiOperation("GET", $"{path}/{{id}}/logs", ApiAccess.Viewer, ApiScopes.Read, "runs", "A run's log lines (?after=ID, ?limit=); with Accept: text/event-stream, the lines as they come until the run ends.", Response: typeof(LogPage)), LogsAsync);
    }

    /// <summary>A run as the API shows it.</summary>
    internal static RunView View(RunRecord run) =>
        new(run.Id, run.Pipeline, run.Trigger, run.LogicalDate, run.State, run.ParamsJson, run.ScheduledAt, run.CreatedAt, run.StartedAt, run.FinishedAt, run.DeadlineAt, run.Eta, run.Slo, run.Error);

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var (limit, problem) = NagareApi.Limit(context, 50, 1000);
        if (problem is not null)
        {
            return problem;
        }

        var (before, invalid) = NagareApi.Before(context, "a run id");
        if (invalid is not null)
        {
            return invalid;
        }

        var pipeline = context.Request.Query["pipeline"].ToString();
        var state = context.Request.Query["state"].ToString();
        var runs = await HealthApi.Server(context).Store.ListRunsAsync(new RunFilter(pipeline.Length == 0 ? null : pipeline, state.Length == 0 ? null : state, limit, before), context.RequestAborted).ConfigureAwait(false);
        var next = runs.Count == limit
            ? $"{NagareApi.Prefix}/runs?before={runs[^1].Id}&limit={limit}" + (pipeline.Length > 0 ? $"&pipeline={Uri.EscapeDataString(pipeline)}" : string.Empty) + (state.Length > 0 ? $"&state={Uri.EscapeDataString(state)}" : string.Empty)
            : null;
        return TypedResults.Json(new RunPage([.. runs.Select(View)], next), ApiJson.Options);
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, string action, Func<MetadataStore, long, DateTimeOffset, CancellationToken, Task<bool>> change, string refusal)
    {
        var server = HealthApi.Server(context);
        if (NagareApi.Id(context) is not { } id || await server.Store.FindRunAsync(id, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"No run {NagareApi.Route(context, "id")}.");
        }

        if (!await change(server.Store, id, server.Time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false))
        {
            server.Audit.Record(context, action, $"#{id}", "failed", refusal);
            return Problems.Conflict($"Run {id} {refusal}.");
        }

        server.Audit.Record(context, action, $"#{id}", "allowed");
        var run = await server.Store.FindRunAsync(id, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(View(run!), ApiJson.Options);
    }

    private static async Task<IResult> LogsAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        if (NagareApi.Id(context) is not { } id || await server.Store.FindRunAsync(id, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"No run {NagareApi.Route(context, "id")}.");
        }

        var (limit, problem) = NagareApi.Limit(context, 1000, 10_000);
        if (problem is not null)
        {
            return problem;
        }

        var afterText = context.Request.Query["after"].ToString();
        long after = 0;
        if (afterText.Length > 0 && !long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return Problems.BadRequest($"after must be a log line id; got '{afterText}'.", "after");
        }

        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await StreamAsync(context, server, id, after).ConfigureAwait(false);
            return TypedResults.Empty;
        }

        var lines = await server.Store.ReadLogAsync(id, null, after, limit, context.RequestAborted).ConfigureAwait(false);
        var last = lines.Count > 0 ? lines[^1].Id : after;
        return TypedResults.Json(new LogPage(lines, $"{NagareApi.Prefix}/runs/{id}/logs?after={last}"), ApiJson.Options);
    }

    /// <summary>
    /// Sends log lines as server-sent events (<c>id</c> is the line id, so a client that reconnects with
    /// <c>Last-Event-ID</c> misses nothing) until the run is final and its last lines are sent; then an <c>end</c> event with the run's state.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, ServerContext server, long runId, long after)
    {
        if (long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var resumed))
        {
            after = Math.Max(after, resumed);
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var cancellationToken = context.RequestAborted;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Read the state before the lines: lines written before the run ended are then all read in this round.
            var run = await server.Store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<LogLine> lines;
            do
            {
                lines = await server.Store.ReadLogAsync(runId, null, after, 1000, cancellationToken).ConfigureAwait(false);
                foreach (var line in lines)
                {
                    await response.WriteAsync($"id: {line.Id}\nevent: line\ndata: {JsonSerializer.Serialize(line, ApiJson.Options)}\n\n", cancellationToken).ConfigureAwait(false);
                    after = line.Id;
                }
            }
            while (lines.Count == 1000);

            if (run is null || RunStates.IsFinal(run.State))
            {
                await response.WriteAsync($"event: end\ndata: {JsonSerializer.Serialize(new { state = run?.State }, ApiJson.Options)}\n\n", cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(500), server.Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
