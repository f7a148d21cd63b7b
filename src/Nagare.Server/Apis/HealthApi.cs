using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Health, Prometheus metrics and the OpenAPI document.</summary>
public static class HealthApi
{
    /// <summary>Answer of the health endpoint.</summary>
    public sealed record Health(string Status, string Version, string Store, string Warehouse, int Pipelines);

    /// <summary>Maps the endpoints.</summary>
    public static void MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.Map(new ApiOperation("GET", $"{NagareApi.Prefix}/health", ApiAccess.Anonymous, ApiScopes.Read, "server", "Whether the server and its metadata store answer.", Response: typeof(Health)), async context =>
        {
            var server = Server(context);
            await server.Store.ListRunsAsync(new RunFilter(Limit: 1), context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new Health("ok", Version, server.Store.Display, Path.GetFileName(server.Warehouse.Path), server.Project.Pipelines.Count), ApiJson.Options);
        });
        routes.Map(new ApiOperation("GET", $"{NagareApi.Prefix}/openapi.json", ApiAccess.Anonymous, ApiScopes.Read, "server", "This API's OpenAPI 3.1 document."), context =>
            Task.FromResult<IResult>(TypedResults.Text(Document(ApiRoutes.OperationsOf(context)).ToJsonString(), "application/json", Encoding.UTF8)));
        routes.Map(new ApiOperation("GET", "/metrics", ApiAccess.Viewer, ApiScopes.Read, "server", "Metrics in Prometheus text format."), async context =>
        {
            var server = Server(context);
            var text = new StringBuilder();
            text.AppendLine("# HELP nagare_up 1 while the server answers.").AppendLine("# TYPE nagare_up gauge").AppendLine("nagare_up 1");
            text.AppendLine("# HELP nagare_pipelines Pipelines in the project.").AppendLine("# TYPE nagare_pipelines gauge")
                .Append(CultureInfo.InvariantCulture, $"nagare_pipelines {server.Project.Pipelines.Count}").AppendLine();
            var runs = await server.Store.ListRunsAsync(new RunFilter(Limit: 1000), context.RequestAborted).ConfigureAwait(false);
            text.AppendLine("# HELP nagare_recent_runs Runs among the last 1000, by state.").AppendLine("# TYPE nagare_recent_runs gauge");
            foreach (var group in runs.GroupBy(r => r.State).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"nagare_recent_runs{{state=\"{group.Key}\"}} {group.Count()}").AppendLine();
            }

            var workers = await server.Store.WorkersAsync(server.Time.GetUtcNow().AddMinutes(-1), context.RequestAborted).ConfigureAwait(false);
            text.AppendLine("# HELP nagare_workers Workers with a heartbeat in the last minute.").AppendLine("# TYPE nagare_workers gauge")
                .Append(CultureInfo.InvariantCulture, $"nagare_workers {workers.Count}").AppendLine();
            RequestMetrics.Write(text);
            return TypedResults.Text(text.ToString(), "text/plain; version=0.0.4", Encoding.UTF8);
        });
    }

    /// <summary>The server's version.</summary>
    public static string Version { get; } = typeof(HealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    internal static ServerContext Server(HttpContext context) => (ServerContext)context.RequestServices.GetService(typeof(ServerContext))!;

    /// <summary>The OpenAPI 3.1 document of <paramref name="operations"/>.</summary>
    internal static JsonObject Document(IReadOnlyList<ApiOperation> operations)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var byRoute in operations.GroupBy(o => o.Route))
        {
            var path = new JsonObject();
            foreach (var operation in byRoute)
            {
                var item = new JsonObject
                {
                    ["operationId"] = operation.OperationId,
                    ["summary"] = operation.Summary,
                    ["tags"] = new JsonArray(operation.Tag),
                    ["x-nagare-access"] = operation.Access.ToString().ToLowerInvariant(),
                    ["x-nagare-scope"] = operation.Scope,
                };
                var parameters = new JsonArray();
                foreach (var name in operation.Route.Split('/').Where(p => p.StartsWith('{')).Select(p => p.Trim('{', '}', '*')))
                {
                    parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
                }

                if (parameters.Count > 0)
                {
                    item["parameters"] = parameters;
                }

                if (operation.Request is { } request)
                {
                    var body = new JsonObject { ["schema"] = Reference(schemas, request) };
                    if (operation.Example is { } example)
                    {
                        body["example"] = System.Text.Json.JsonSerializer.SerializeToNode(example, ApiJson.Options);
                    }

                    item["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = body } };
                }

                var responses = new JsonObject();
                var success = new JsonObject { ["description"] = "Success" };
                if (operation.Response is { } response)
                {
                    success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(schemas, response) } };
                }

                responses[operation.Status.ToString(CultureInfo.InvariantCulture)] = success;
                var problem = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Reference(schemas, typeof(ProblemBody)) } };
                responses["default"] = new JsonObject { ["description"] = "A problem (RFC 7807) naming the field at fault", ["content"] = problem };
                item["responses"] = responses;
                if (operation.Access != ApiAccess.Anonymous)
                {
                    item["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["session"] = new JsonArray() });
                }

                path[operation.Method.ToLowerInvariant()] = item;
            }

            // A catch-all route parameter ({**path}) is a plain one in OpenAPI's templates.
            paths[byRoute.Key.Replace("{**", "{", StringComparison.Ordinal)] = path;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = "Nagare API", ["version"] = Version, ["description"] = "Every object of a Nagare project, and its runs, datasets and SQL. Errors are RFC 7807 problems; changes to versioned objects need If-Match." },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "An API token (POST /api/v1/tokens)." },
                    ["session"] = new JsonObject { ["type"] = "apiKey", ["in"] = "cookie", ["name"] = "nagare_session", ["description"] = "A browser session (POST /api/v1/session); changes also need the X-CSRF-Token header." },
                },
            },
        };
    }

    private static JsonObject Reference(JsonObject schemas, Type type)
    {
        var name = type.Name;
        if (!schemas.ContainsKey(name))
        {
            schemas[name] = ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }
}
