using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Nagare.Runtime.Access;
using Nagare.Server.Api;

namespace Nagare.Server.Auth;

/// <summary>
/// Finds who calls: a bearer API token, the command line's local key, or a browser session cookie. An invalid token
/// is refused at once (401); a request without credentials goes on anonymous, and each endpoint's check decides.
/// </summary>
internal static class Authentication
{
    /// <summary>The browser session cookie.</summary>
    public const string SessionCookie = "nagare_session";

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var server = (ServerContext)context.RequestServices.GetService(typeof(ServerContext))!;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var secret = header["Bearer ".Length..].Trim();
            var caller = await FromTokenAsync(server, context, secret).ConfigureAwait(false);
            if (caller is null)
            {
                server.Audit.Record(null, "sign-in", "token", "denied", "unknown, revoked or expired token", context.Connection.RemoteIpAddress?.ToString());
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await Problems.Unauthorized("The API token is not valid: unknown, revoked or expired.").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            caller.Attach(context);
        }
        else if (context.Request.Cookies[SessionCookie] is { Length: > 0 } session)
        {
            var user = await server.Store.FindSessionAsync(ApiTokens.HashOf(session), server.Time.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
            if (user is not null)
            {
                var policy = await server.PolicyAsync(user.Role, context.RequestAborted).ConfigureAwait(false);
                new Caller(user.Name, user.Id, policy, [], CallerVia.Session).Attach(context);
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private static async Task<Caller?> FromTokenAsync(ServerContext server, HttpContext context, string secret)
    {
        if (secret.Length == server.LocalKey.Length && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(server.LocalKey)))
        {
            var admin = await server.PolicyAsync("admin", context.RequestAborted).ConfigureAwait(false);
            return new Caller("local", null, admin.IsAdmin ? admin : new AccessPolicy(new RoleRecord("admin", RoleLevel.Admin, [])), [], CallerVia.LocalKey);
        }

        if (!secret.StartsWith("ngr_", StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var found = await server.FindTokenAsync(secret, context.RequestAborted).ConfigureAwait(false);
        var now = server.Time.GetUtcNow();
        if (found is not { } f || f.Token.RevokedAt is not null || f.Token.ExpiresAt <= now || f.User.Disabled)
        {
            return null;
        }

        var policy = await server.PolicyAsync(f.User.Role, context.RequestAborted).ConfigureAwait(false);
        var caller = new Caller($"{f.User.Name} (token {f.Token.Name})", f.User.Id, policy, f.Token.Scopes, CallerVia.Token);
        if (server.FirstUseThisMinute(f.Token.Id))
        {
            server.Audit.Record(caller.Actor, "token.use", f.Token.Prefix, "allowed", null, context.Connection.RemoteIpAddress?.ToString());
            await server.Store.TouchTokenAsync(f.Token.Id, now, context.RequestAborted).ConfigureAwait(false);
        }

        return caller;
    }
}
