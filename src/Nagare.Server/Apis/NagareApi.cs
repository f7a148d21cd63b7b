using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Maps every API of the server.</summary>
public static class NagareApi
{
    /// <summary>The prefix of every API route.</summary>
    public const string Prefix = "/api/v1";

    /// <summary>Maps the API and a 404 problem for every other route.</summary>
    public static void MapNagareApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthApi();
        routes.MapSessionApi();
        routes.MapPipelinesApi();
        routes.MapSyncsApi();
        routes.MapActivationsApi();
        routes.MapProjectApi();
        routes.MapModelsApi();
        routes.MapRunsApi();
        routes.MapStatsApi();
        routes.MapDatasetsApi();
        routes.MapConnectionsApi();
        routes.MapConnectorsApi();
        routes.MapQueryApi();
        routes.MapUsersApi();
        routes.MapRolesApi();
        routes.MapTokensApi();
        routes.MapAuditApi();
        routes.MapFallback((HttpContext context) => Problems.NotFound($"No endpoint {context.Request.Method} {context.Request.Path}; the API is described at {Prefix}/openapi.json."))
            .WithMetadata(FallbackMarker.Instance);
    }

    /// <summary>The route value <paramref name="name"/> as a positive id, or null.</summary>
    internal static long? Id(HttpContext context, string name = "id") =>
        long.TryParse(context.Request.RouteValues[name] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>The route value <paramref name="name"/> as text.</summary>
    internal static string Route(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    /// <summary>The <c>limit</c> query parameter within 1..<paramref name="max"/>, <paramref name="fallback"/> when absent; or a problem.</summary>
    internal static (int Limit, IResult? Problem) Limit(HttpContext context, int fallback, int max)
    {
        var text = context.Request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return (fallback, null);
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max
            ? (limit, null)
            : (0, Problems.BadRequest($"limit must be a whole number from 1 to {max}; got '{text}'.", "limit"));
    }

    /// <summary>The <c>before</c> query parameter (the id a page of a newest-first list starts below), null when absent; or a problem.</summary>
    internal static (long? Before, IResult? Problem) Before(HttpContext context, string what)
    {
        var text = context.Request.Query["before"].ToString();
        if (text.Length == 0)
        {
            return (null, null);
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? (id, null)
            : (null, Problems.BadRequest($"before must be {what}; got '{text}'.", "before"));
    }

    /// <summary>The ETag of an object at <paramref name="version"/>.</summary>
    internal static string ETag(long version) => $"\"{version}\"";

    /// <summary>The version named by <c>If-Match</c>, or a problem (428 when it is missing, 400 when it is not one of ours).</summary>
    internal static (long Version, IResult? Problem) IfMatch(HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString();
        if (header.Length == 0)
        {
            return (0, Problems.PreconditionRequired("Send If-Match with the ETag of the version you changed (from the GET), so that another person's change is not overwritten."));
        }

        var text = header.Trim().TrimStart('W', '/').Trim('"');
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? (version, null)
            : (0, Problems.BadRequest($"If-Match '{header}' is not an ETag of this API (a quoted number).", "If-Match"));
    }
}
