using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Models;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>
/// The project's models as compiled: list, one with its SQL before and after Jinja, and a preview of its rows (the
/// compiled query run under the caller's grants). Model files are written like every project file
/// (<c>PUT /api/v1/project/files/models/…</c>); builds start with <c>POST /api/v1/models/build</c>.
/// </summary>
public static class ModelsApi
{
    /// <summary>A model, seed or test as listed.</summary>
    public sealed record ModelView(string Name, string Type, string? Materialized, string? Relation, IReadOnlyList<string> DependsOn, string Path, string? Description);

    /// <summary>All nodes of the compiled project.</summary>
    public sealed record ModelList(IReadOnlyList<ModelView> Items);

    /// <summary>A node with its SQL as written and as compiled.</summary>
    public sealed record ModelDetail(ModelView Model, string RawSql, string? CompiledSql);

    /// <summary>How many rows a preview shows (default 100, at most 10,000).</summary>
    public sealed record PreviewRequest(int? Limit = null);

    /// <summary>Maps the endpoints.</summary>
    public static void MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/models";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "models", "The project's models, seeds and tests, compiled.", Response: typeof(ModelList)), async context =>
        {
            var manifest = await CompileAsync(context).ConfigureAwait(false);
            return TypedResults.Json(new ModelList([.. manifest.Nodes.Values.OrderBy(n => n.UniqueId, StringComparer.Ordinal).Select(View)]), ApiJson.Options);
        });
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}", ApiAccess.Viewer, ApiScopes.Read, "models", "A model with its SQL as written and as compiled.", Response: typeof(ModelDetail)), async context =>
        {
            var name = NagareApi.Route(context, "name");
            return (await CompileAsync(context).ConfigureAwait(false)).Find(name) is { } node
                ? TypedResults.Json(new ModelDetail(View(node), node.RawSql, node.CompiledSql), ApiJson.Options)
                : Problems.NotFound($"No model, seed or test named '{name}'.");
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/preview", ApiAccess.Analyst, ApiScopes.Query, "models", "The first rows of a model's compiled query, run under the caller's grants (nothing is built).", typeof(PreviewRequest), typeof(QueryApi.QueryResult), Example: new PreviewRequest(100)), async context =>
        {
            var name = NagareApi.Route(context, "name");
            if ((await CompileAsync(context).ConfigureAwait(false)).Find(name) is not { } node || (node.CompiledSql is null && node.Type != NodeType.Seed))
            {
                return Problems.NotFound($"No model named '{name}' with SQL to preview.");
            }

            var (body, problem) = await ApiJson.ReadAsync<PreviewRequest>(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body!.Limit is < 1 or > 10_000)
            {
                return Problems.BadRequest("limit must be from 1 to 10,000.", "$.limit");
            }

            var sql = node.Type == NodeType.Seed ? $"SELECT * FROM {node.RelationName}" : node.CompiledSql!;
            return await QueryApi.ExecuteAsync(context, sql, body.Limit ?? 100, TimeSpan.FromSeconds(60), "json", $"preview model {name}").ConfigureAwait(false);
        });
    }

    private static async Task<Manifest> CompileAsync(HttpContext context) =>
        await HealthApi.Server(context).Manifests.GetAsync(HealthApi.Server(context).Project).WaitAsync(context.RequestAborted).ConfigureAwait(false);

    private static ModelView View(ModelNode node) => new(
        node.Name,
        node.Type.ToString().ToLowerInvariant(),
        node.Type is NodeType.Model or NodeType.Seed ? node.Config.Materialized : null,
        string.IsNullOrEmpty(node.RelationName) ? null : node.RelationName,
        node.DependsOn,
        node.Path,
        node.Description);
}
