using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Core;
using Nagare.Runtime.Pipelines;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Pipelines of the project, and starting runs of them.</summary>
public static class PipelinesApi
{
    /// <summary>A pipeline as listed.</summary>
    public sealed record PipelineView(string Name, string? Description, string? Schedule, string? TimeZone, IReadOnlyList<ParamView> Params, IReadOnlyList<string> Steps, IReadOnlyList<string> After, int MaxActiveRuns, string File);

    /// <summary>A parameter of a pipeline.</summary>
    public sealed record ParamView(string Name, string Type, string? Default, string? Description);

    /// <summary>All pipelines.</summary>
    public sealed record PipelineList(IReadOnlyList<PipelineView> Items);

    /// <summary>A run to start: parameters by name (as text, checked against their types), a logical date, an idempotency key.</summary>
    public sealed record RunRequest(IReadOnlyDictionary<string, string>? Params = null, string? Date = null, string? IdempotencyKey = null);

    /// <summary>A started run: <paramref name="Existing"/> when the idempotency key named a run made before.</summary>
    public sealed record StartedRun(long Id, string State, bool Existing, string Url);

    /// <summary>Maps the endpoints.</summary>
    public static void MapPipelinesApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/pipelines";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "pipelines", "Lists the project's pipelines.", Response: typeof(PipelineList)), context =>
            Task.FromResult<IResult>(TypedResults.Json(new PipelineList([.. HealthApi.Server(context).Project.Pipelines.Values.Select(p => View(p, HealthApi.Server(context).Project.Root))]), ApiJson.Options)));
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}", ApiAccess.Viewer, ApiScopes.Read, "pipelines", "A pipeline.", Response: typeof(PipelineView)), context =>
        {
            var name = NagareApi.Route(context, "name");
            return Task.FromResult(HealthApi.Server(context).Project.Pipelines.TryGetValue(name, out var pipeline)
                ? TypedResults.Json(View(pipeline, HealthApi.Server(context).Project.Root), ApiJson.Options)
                : Problems.NotFound($"No pipeline '{name}'."));
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/runs", ApiAccess.Analyst, ApiScopes.Run, "pipelines", "Starts a run (Idempotency-Key header or idempotency_key: a repeated request returns the first run).", typeof(RunRequest), typeof(StartedRun), 201,
            new RunRequest(new Dictionary<string, string>(StringComparer.Ordinal) { ["target_date"] = "2026-12-01" }, null, "nightly-2026-12-01")), StartAsync);
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
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return Problems.BadRequest($"date must be YYYY-MM-DD; got '{text}'.", "$.date");
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

    /// <summary>The field a parameter error is about: <c>$.params.NAME</c> when the message quotes a parameter.</summary>
    private static string ParamField(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? $"$.params.{message[(start + 1)..end]}" : "$.params";
    }

    private static PipelineView View(PipelineConfig pipeline, string root) => new(
        pipeline.Name,
        pipeline.Description,
        pipeline.Schedule?.Cron,
        pipeline.Schedule?.TimeZone,
        [.. pipeline.Params.Select(p => new ParamView(p.Name, p.Type.ToString().ToLowerInvariant(), p.Default, p.Description))],
        [.. pipeline.Steps.Select(s => s.Name)],
        pipeline.AfterPipelines.IsDefault ? ImmutableArray<string>.Empty : pipeline.AfterPipelines,
        pipeline.MaxActiveRuns,
        Path.GetRelativePath(root, pipeline.Location.File));
}
