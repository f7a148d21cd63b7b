using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Server.Api;
using Nagare.Server.Auth;

namespace Nagare.Server.Apis;

/// <summary>API tokens: everyone manages their own; admins see and revoke everyone's.</summary>
public static class TokensApi
{
    /// <summary>A token to create: a name, optional scopes and an optional lifetime in days.</summary>
    public sealed record NewToken(string Name, IReadOnlyList<string>? Scopes = null, int? ExpiresInDays = null);

    /// <summary>A created token: <paramref name="Secret"/> is shown this once.</summary>
    public sealed record CreatedToken(TokenRecord Token, string Secret);

    /// <summary>Tokens.</summary>
    public sealed record TokenList(IReadOnlyList<TokenRecord> Items);

    /// <summary>Maps the endpoints.</summary>
    public static void MapTokensApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/tokens";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "access", "Lists the caller's tokens (an admin's list has everyone's).", Response: typeof(TokenList)), async context =>
        {
            var caller = Caller.Required(context);
            var all = caller.AtLeast(RoleLevel.Admin);
            var tokens = await HealthApi.Server(context).Store.ListTokensAsync(all ? null : caller.UserId ?? -1, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new TokenList(tokens), ApiJson.Options);
        });
        routes.Map(new ApiOperation("POST", path, ApiAccess.Viewer, ApiScopes.Admin, "access", "Creates a token acting as the caller; its secret is in the answer only.", typeof(NewToken), typeof(CreatedToken), 201, new NewToken("ci", ["read", "run"], 90)), CreateAsync);
        routes.Map(new ApiOperation("DELETE", $"{path}/{{id}}", ApiAccess.Viewer, ApiScopes.Admin, "access", "Revokes a token (one's own; admins any).", Status: 204), async context =>
        {
            var caller = Caller.Required(context);
            var server = HealthApi.Server(context);
            var id = NagareApi.Id(context);
            var token = id is null ? null : (await server.Store.ListTokensAsync(caller.AtLeast(RoleLevel.Admin) ? null : caller.UserId ?? -1, context.RequestAborted).ConfigureAwait(false)).FirstOrDefault(t => t.Id == id);
            if (token is null)
            {
                return Problems.NotFound($"No token {NagareApi.Route(context, "id")} of yours.");
            }

            await server.Store.RevokeTokenAsync(token.Id, server.Time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
            server.Forget();
            server.Audit.Record(context, "token.revoke", token.Prefix, "allowed", token.Name);
            return TypedResults.NoContent();
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext context)
    {
        var caller = Caller.Required(context);
        if (caller.UserId is not { } userId)
        {
            return Problems.BadRequest("The local key cannot make tokens; sign in as a user.");
        }

        var (body, problem) = await ApiJson.ReadAsync<NewToken>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (UsersApi.NameProblem(body!.Name, "$.name") is { } bad)
        {
            return bad;
        }

        var scopes = body.Scopes ?? [];
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!ApiScopes.All.Contains(scopes[i]))
            {
                return Problems.BadRequest($"Unknown scope '{scopes[i]}'; scopes are {string.Join(", ", ApiScopes.All)}.", $"$.scopes[{i}]");
            }
        }

        if (body.ExpiresInDays is < 1 or > 3650)
        {
            return Problems.BadRequest("expires_in_days must be from 1 to 3650, or left out for a token that does not expire.", "$.expires_in_days");
        }

        var server = HealthApi.Server(context);
        var now = server.Time.GetUtcNow();
        var (secret, prefix, hash) = ApiTokens.New();
        var token = await server.Store.CreateTokenAsync(userId, body.Name, prefix, hash, [.. scopes.Distinct(StringComparer.Ordinal)], now, body.ExpiresInDays is { } days ? now.AddDays(days) : null, context.RequestAborted).ConfigureAwait(false);
        server.Audit.Record(context, "token.create", token.Prefix, "allowed", $"{token.Name}; scopes {(token.Scopes.IsEmpty ? "all" : string.Join(",", token.Scopes))}");
        return TypedResults.Json(new CreatedToken(token, secret), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }
}
