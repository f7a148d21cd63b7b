using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>The audit log (admins only).</summary>
public static class AuditApi
{
    /// <summary>A page of the audit log, newest first; <paramref name="Next"/> is the URL of the next page, or null.</summary>
    public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? Next);

    /// <summary>Maps the endpoint.</summary>
    public static void MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/audit";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Admin, ApiScopes.Admin, "access", "The audit log, newest first (?actor=, ?action=, ?before=ID, ?limit=).", Response: typeof(AuditPage)), async context =>
        {
            var (limit, problem) = NagareApi.Limit(context, 100, 1000);
            if (problem is not null)
            {
                return problem;
            }

            var (before, invalid) = NagareApi.Before(context, "an audit entry id");
            if (invalid is not null)
            {
                return invalid;
            }

            var server = HealthApi.Server(context);
            await server.Audit.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            var actor = context.Request.Query["actor"].ToString();
            var action = context.Request.Query["action"].ToString();
            var items = await server.Store.ListAuditAsync(new AuditFilter(actor.Length == 0 ? null : actor, action.Length == 0 ? null : action, before, limit), context.RequestAborted).ConfigureAwait(false);
            var next = items.Count == limit ? $"{path}?before={items[^1].Id}&limit={limit}" + (actor.Length > 0 ? $"&actor={Uri.EscapeDataString(actor)}" : string.Empty) + (action.Length > 0 ? $"&action={Uri.EscapeDataString(action)}" : string.Empty) : null;
            return TypedResults.Json(new AuditPage(items, next), ApiJson.Options);
        });
    }
}
