using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Figures over runs: what ran per day.</summary>
public static class StatsApi
{
    /// <summary>The most days one answer covers (a year, leap or not).</summary>
    public const int MaxDays = 366;

    /// <summary>What ran per day, oldest first.</summary>
    public sealed record DailyStats(IReadOnlyList<DailyRunStats> Items);

    /// <summary>Maps the endpoints.</summary>
    public static void MapStatsApi(this IEndpointRouteBuilder routes)
    {
        routes.Map(new ApiOperation("GET", $"{NagareApi.Prefix}/stats/daily", ApiAccess.Viewer, ApiScopes.Read, "runs", "Runs created, succeeded and failed, and rows and bytes written, per UTC day of the last ?days= days (1 to 366, default 14), oldest first, today included.", Response: typeof(DailyStats)), async context =>
        {
            var text = context.Request.Query["days"].ToString();
            var days = 14;
            if (text.Length > 0 && !(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) && days is >= 1 and <= MaxDays))
            {
                return Problems.BadRequest($"days must be a whole number from 1 to {MaxDays}; got '{(text.Length > 20 ? text[..20] + "…" : text)}'.", "days");
            }

            var server = HealthApi.Server(context);
            var today = DateOnly.FromDateTime(server.Time.GetUtcNow().UtcDateTime);
            var items = await server.Store.DailyStatsAsync(today.AddDays(1 - days), today, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new DailyStats(items), ApiJson.Options);
        });
    }
}
