using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Replication;
using Nagare.Server.Api;
using Nagare.Server.Auth;

namespace Nagare.Server.Apis;

/// <summary>Syncs of the project, and running one (or the models) on its own: a run like any other, on the server's worker.</summary>
public static class SyncsApi
{
    /// <summary>A sync as listed; one whose file has problems has an empty source and destination, no streams and its <paramref name="Problem"/>.</summary>
    /// <param name="Name">The sync's name.</param>
    /// <param name="Source">Its source connection (several, comma-separated, for a sync over several).</param>
    /// <param name="Destination">Its destination connection.</param>
    /// <param name="TargetSchema">The schema it writes into, when set.</param>
    /// <param name="Streams">How many stream entries it has.</param>
    /// <param name="File">The file defining it, relative to the project folder.</param>
    /// <param name="Problem">Why the file cannot be used (file:line:column), or null.</param>
    public sealed record SyncView(string Name, string Source, string Destination, string? TargetSchema, int Streams, string File, string? Problem = null);

    /// <summary>All syncs.</summary>
    public sealed record SyncList(IReadOnlyList<SyncView> Items);

    /// <summary>What to run: only the streams (or models) <paramref name="Select"/> names, with full refresh or not.</summary>
    public sealed record StartRequest(string? Select = null, bool FullRefresh = false);

    /// <summary>What a sync remembers per stream.</summary>
    public sealed record StateView(string Sync, IReadOnlyList<StreamStateView> Streams);

    /// <summary>One stream's state: its cursor, the chunks of an unfinished chunked load, other keys, when it was last committed.</summary>
    public sealed record StreamStateView(string Stream, string? CursorColumn, string? Cursor, IReadOnlyList<int> ChunksStaged, IReadOnlyDictionary<string, string> Extra, DateTimeOffset? UpdatedAt);

    /// <summary>Maps the endpoints.</summary>
    public static void MapSyncsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/syncs";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "syncs", "Lists the project's syncs.", Response: typeof(SyncList)), context =>
        {
            var project = HealthApi.Server(context).Project;
            var items = project.Syncs.Values
                .Select(s => new SyncView(s.Name, string.Join(", ", s.Sources), s.Destination, s.TargetSchema, s.Streams.Length, Path.GetRelativePath(project.Root, s.Location.File)))
                .Concat(project.Broken.Where(b => b.Kind == "sync").Select(b => new SyncView(
                    b.Name, string.Empty, string.Empty, null, 0, Path.GetRelativePath(project.Root, b.File), Redaction.Redact(Relative(project, b.Problem.Message)))))
                .OrderBy(v => v.Name, StringComparer.Ordinal);
            return Task.FromResult<IResult>(TypedResults.Json(new SyncList([.. items]), ApiJson.Options));
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/runs", ApiAccess.Analyst, ApiScopes.Run, "syncs", "Runs a sync now (the caller needs write on its target dataset); a run like any other.", typeof(StartRequest), typeof(PipelinesApi.StartedRun), 201, new StartRequest("public.orders*", false)), async context =>
        {
            if (Checked(context, Privilege.Write, "run") is { } refused)
            {
                return refused;
            }

            var name = NagareApi.Route(context, "name");
            return await StartAsync(context, (body) => AdHocPipelines.ForSync(name, body.FullRefresh), "sync.run", name).ConfigureAwait(false);
        });
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}/state", ApiAccess.Viewer, ApiScopes.Read, "syncs", "What a sync remembers per stream: cursor, staged chunks, last commit (needs read on its target dataset).", Response: typeof(StateView)), async context =>
        {
            if (Checked(context, Privilege.Read, "state") is { } refused)
            {
                return refused;
            }

            var (server, name) = (HealthApi.Server(context), NagareApi.Route(context, "name"));
            var states = await new SyncRunner(server.Project, server.Pipelines.Registry, server.Time).ListStatesAsync(name, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new StateView(name, [.. states.Select(s => new StreamStateView(
                s.Stream, s.State.CursorColumn, s.State.Cursor, s.State.CompletedChunks.IsDefault ? [] : s.State.CompletedChunks, s.State.Extra.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal), s.UpdatedAt))]), ApiJson.Options);
        });
        routes.Map(new ApiOperation("DELETE", $"{path}/{{name}}/state/{{stream}}", ApiAccess.Analyst, ApiScopes.Run, "syncs", "Forgets a stream's cursor and staged chunks: its next run reads it from the start; the table keeps its rows (needs write on the target dataset).", Status: 204), async context =>
        {
            if (Checked(context, Privilege.Write, "state.reset") is { } refused)
            {
                return refused;
            }

            var (server, name, stream) = (HealthApi.Server(context), NagareApi.Route(context, "name"), NagareApi.Route(context, "stream"));
            var runner = new SyncRunner(server.Project, server.Pipelines.Registry, server.Time);
            var state = SyncRunner.FindState(name, await runner.ListStatesAsync(name, context.RequestAborted).ConfigureAwait(false), stream);
            await runner.ResetStateAsync(name, state.Stream, context.RequestAborted).ConfigureAwait(false);
            server.Audit.Record(context, "sync.state.reset", $"{name} {state.Stream}", "allowed");
            return TypedResults.NoContent();
        });
        routes.Map(new ApiOperation("POST", $"{NagareApi.Prefix}/models/build", ApiAccess.Editor, ApiScopes.Run, "models", "Builds models now (select: a selector such as tag:daily or +orders); a run like any other.", typeof(StartRequest), typeof(PipelinesApi.StartedRun), 201, new StartRequest("tag:daily")), context =>
            StartAsync(context, body => AdHocPipelines.ForBuild(test: false, body.FullRefresh), "models.build", "models"));
        routes.Map(new ApiOperation("POST", $"{NagareApi.Prefix}/models/test", ApiAccess.Editor, ApiScopes.Run, "models", "Runs the models' data tests now; a run like any other.", typeof(StartRequest), typeof(PipelinesApi.StartedRun), 201), context =>
            StartAsync(context, _ => AdHocPipelines.ForBuild(test: true, fullRefresh: false), "models.test", "models"));
    }

    /// <summary>A problem's message with the project folder left out of its file names (<c>syncs/a.yml:3:1: …</c>).</summary>
    private static string Relative(ProjectConfig project, string message) =>
        message.Replace(Path.TrimEndingDirectorySeparator(Path.GetFullPath(project.Root)) + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal);

    /// <summary>Why the caller may not touch sync {name}'s state (no such sync: 404; too little on its dataset: 403), or null.</summary>
    private static IResult? Checked(HttpContext context, Privilege needed, string action)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (!server.Project.Syncs.TryGetValue(name, out var sync))
        {
            return Problems.NotFound($"No sync '{name}'.");
        }

        var dataset = sync.Destination == Runtime.Configuration.ProjectConfig.WarehouseConnection ? sync.TargetSchema ?? "main" : null;
        var caller = Caller.Required(context);
        if (dataset is not null && caller.Policy.On(dataset) < needed)
        {
            var denial = $"Role '{caller.Policy.Role}' may not {(needed == Privilege.Write ? "write" : "read")} dataset {dataset}, which sync '{name}' loads.";
            server.Audit.Record(context, $"sync.{action}", name, "denied", denial);
            return Problems.Forbidden(denial);
        }

        return null;
    }

    private static async Task<IResult> StartAsync(HttpContext context, Func<StartRequest, string> pipeline, string action, string target)
    {
        var (body, problem) = await ApiJson.ReadAsync<StartRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var server = HealthApi.Server(context);
        var name = pipeline(body!);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { [AdHocPipelines.Select] = body!.Select ?? string.Empty };
        var run = await server.Pipelines.StartAsync(name, parameters, null, null, context.RequestAborted).ConfigureAwait(false);
        server.Audit.Record(context, action, $"{target} #{run.Id}", "allowed", body.Select is null ? null : $"select {body.Select}");
        var url = $"{NagareApi.Prefix}/runs/{run.Id}";
        context.Response.Headers.Location = url;
        return TypedResults.Json(new PipelinesApi.StartedRun(run.Id, run.State, run.Existing, url), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }
}
