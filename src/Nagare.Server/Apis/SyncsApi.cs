using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Runtime.Pipelines;
using Nagare.Server.Api;
using Nagare.Server.Auth;

namespace Nagare.Server.Apis;

/// <summary>Syncs of the project, and running one (or the models) on its own: a run like any other, on the server's worker.</summary>
public static class SyncsApi
{
    /// <summary>A sync as listed.</summary>
    public sealed record SyncView(string Name, string Source, string Destination, string? TargetSchema, int Streams, string File);

    /// <summary>All syncs.</summary>
    public sealed record SyncList(IReadOnlyList<SyncView> Items);

    /// <summary>What to run: only the streams (or models) <paramref name="Select"/> names, with full refresh or not.</summary>
    public sealed record StartRequest(string? Select = null, bool FullRefresh = false);

    /// <summary>Maps the endpoints.</summary>
    public static void MapSyncsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/syncs";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "syncs", "Lists the project's syncs.", Response: typeof(SyncList)), context =>
        {
            var project = HealthApi.Server(context).Project;
            return Task.FromResult<IResult>(TypedResults.Json(new SyncList([.. project.Syncs.Values.Select(s => new SyncView(s.Name, s.Source, s.Destination, s.TargetSchema, s.Streams.Length, Path.GetRelativePath(project.Root, s.Location.File)))]), ApiJson.Options));
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/runs", ApiAccess.Analyst, ApiScopes.Run, "syncs", "Runs a sync now (the caller needs write on its target dataset); a run like any other.", typeof(StartRequest), typeof(PipelinesApi.StartedRun), 201, new StartRequest("public.orders*", false)), async context =>
        {
            var server = HealthApi.Server(context);
            var name = NagareApi.Route(context, "name");
            if (!server.Project.Syncs.TryGetValue(name, out var sync))
            {
                return Problems.NotFound($"No sync '{name}'.");
            }

            var dataset = sync.Destination == Runtime.Configuration.ProjectConfig.WarehouseConnection ? sync.TargetSchema ?? "main" : null;
            var caller = Caller.Required(context);
            if (dataset is not null && caller.Policy.On(dataset) < Privilege.Write)
            {
                var denial = $"Role '{caller.Policy.Role}' may not write dataset {dataset}, which sync '{name}' loads.";
                server.Audit.Record(context, "sync.run", name, "denied", denial);
                return Problems.Forbidden(denial);
            }

            return await StartAsync(context, (body) => AdHocPipelines.ForSync(name, body.FullRefresh), "sync.run", name).ConfigureAwait(false);
        });
        routes.Map(new ApiOperation("POST", $"{NagareApi.Prefix}/models/build", ApiAccess.Editor, ApiScopes.Run, "models", "Builds models now (select: a selector such as tag:daily or +orders); a run like any other.", typeof(StartRequest), typeof(PipelinesApi.StartedRun), 201, new StartRequest("tag:daily")), context =>
            StartAsync(context, body => AdHocPipelines.ForBuild(test: false, body.FullRefresh), "models.build", "models"));
        routes.Map(new ApiOperation("POST", $"{NagareApi.Prefix}/models/test", ApiAccess.Editor, ApiScopes.Run, "models", "Runs the models' data tests now; a run like any other.", typeof(StartRequest), typeof(PipelinesApi.StartedRun), 201), context =>
            StartAsync(context, _ => AdHocPipelines.ForBuild(test: true, fullRefresh: false), "models.test", "models"));
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
