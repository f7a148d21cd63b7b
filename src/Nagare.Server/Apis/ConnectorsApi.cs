using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>The connector types a connection file can name, with their options: what a form for a connection is made from.</summary>
public static class ConnectorsApi
{
    /// <summary>An option of a connector type.</summary>
    /// <param name="Name">The key in the connection file (and in <c>settings</c> or <c>secrets</c> of <c>PUT /connections/{name}</c>).</param>
    /// <param name="Kind">The kind of value it takes.</param>
    /// <param name="Required">True when a connection must set it.</param>
    /// <param name="Secret">True when its value goes in <c>secrets</c> (stored sealed, never shown).</param>
    /// <param name="Default">The value used when it is not set (a number, a boolean or text, as its kind), or null when there is none or absence means something no value says (the description tells).</param>
    /// <param name="Description">What it means.</param>
    /// <param name="Choices">The values a <c>choice</c> takes; null for other kinds.</param>
    public sealed record ConnectorOptionView(string Name, ConnectorOptionKind Kind, bool Required, bool Secret, JsonNode? Default, string Description, IReadOnlyList<string>? Choices);

    /// <summary>A connector type.</summary>
    /// <param name="Type">The name written in <c>type:</c>.</param>
    /// <param name="Description">What it connects to.</param>
    /// <param name="Options">Its options in form order, then <c>max_concurrency</c>, which every connection takes.</param>
    public sealed record ConnectorView(string Type, string Description, IReadOnlyList<ConnectorOptionView> Options);

    /// <summary>Every connector type, by name.</summary>
    public sealed record ConnectorList(IReadOnlyList<ConnectorView> Items);

    /// <summary>Maps the endpoints.</summary>
    public static void MapConnectorsApi(this IEndpointRouteBuilder routes)
    {
        routes.Map(new ApiOperation("GET", $"{NagareApi.Prefix}/connectors", ApiAccess.Viewer, ApiScopes.Read, "connections", "Lists the connector types a connection can name, with their options (kind, required, secret, default, choices).", Response: typeof(ConnectorList)), context =>
        {
            var server = HealthApi.Server(context);
            var registry = server.Pipelines.Registry;
            var concurrency = MaxConcurrency(server.Project.Defaults);
            var items = registry.TypeNames.Select(registry.Find).OfType<ConnectorType>()
                .Select(t => new ConnectorView(t.Name, t.Description, [.. t.Options.Select(View), concurrency])).ToList();
            return Task.FromResult<IResult>(TypedResults.Json(new ConnectorList(items), ApiJson.Options));
        });
    }

    private static ConnectorOptionView View(ConnectorOption option) => new(
        option.Name,
        option.Kind,
        option.Required,
        option.Secret,
        option.Default is not { } text ? null
            : option.Kind == ConnectorOptionKind.Integer && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
            : option.Kind == ConnectorOptionKind.Boolean && bool.TryParse(text, out var flag) ? JsonValue.Create(flag)
            : JsonValue.Create(text),
        option.Description,
        option.Choices.IsDefaultOrEmpty ? null : option.Choices);

    // Read by the project loader for every type rather than by a connector, so it is not among a type's options.
    private static ConnectorOptionView MaxConcurrency(ProjectDefaults defaults) => new(
        "max_concurrency",
        ConnectorOptionKind.Integer,
        false,
        false,
        JsonValue.Create(defaults.MaxConcurrency),
        "Most streams, chunks or sessions at once on this connection, 1 to 1000 (default: max_concurrency of nagare.yml's defaults).",
        null);
}
