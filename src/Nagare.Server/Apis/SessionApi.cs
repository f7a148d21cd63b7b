using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Server.Api;
using Nagare.Server.Auth;

namespace Nagare.Server.Apis;

/// <summary>Signing in and out with a browser session, and one's own password.</summary>
public static class SessionApi
{
    /// <summary>How long a browser session lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>A sign-in.</summary>
    public sealed record SignIn(string Name, string Password);

    /// <summary>Who is signed in; <paramref name="CsrfToken"/> goes in the X-CSRF-Token header of every change.</summary>
    /// <param name="Name">The user (with the token's name for a token).</param>
    /// <param name="Role">Their role.</param>
    /// <param name="Level">The role's level.</param>
    /// <param name="Via">How they signed in: <c>session</c>, <c>token</c> or <c>localkey</c>.</param>
    /// <param name="CsrfToken">The anti-forgery token of a browser session, or null.</param>
    /// <param name="PasswordChangeRequired">
    /// True while the user's password is one someone else chose (the first admin's generated one, or one an admin set):
    /// they should choose their own with <c>PUT /api/v1/session/password</c>. Nothing is refused meanwhile.
    /// </param>
    public sealed record SessionView(string Name, string Role, RoleLevel Level, string Via, string? CsrfToken, bool PasswordChangeRequired);

    /// <summary>A change of one's own password.</summary>
    public sealed record PasswordChange(string CurrentPassword, string NewPassword);

    /// <summary>Maps the endpoints.</summary>
    public static void MapSessionApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/session";
        routes.Map(new ApiOperation("POST", path, ApiAccess.Anonymous, ApiScopes.Read, "session", "Signs in: sets the session cookie and returns the anti-forgery token.", typeof(SignIn), typeof(SessionView), Example: new SignIn("admin", "…")), SignInAsync);
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "session", "Who is signed in, and whether they should change their password.", Response: typeof(SessionView)), async context =>
        {
            var caller = Caller.Required(context);
            var user = caller.UserId is { } id ? await HealthApi.Server(context).Store.GetUserAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
            return TypedResults.Json(new SessionView(caller.Actor, caller.Policy.Role, caller.Policy.Level, caller.Via.ToString().ToLowerInvariant(), context.Request.Cookies[ApiRoutes.CsrfCookie], user?.PasswordChangeRequired ?? false), ApiJson.Options);
        });
        routes.Map(new ApiOperation("DELETE", path, ApiAccess.Viewer, ApiScopes.Read, "session", "Signs out.", Status: 204), async context =>
        {
            var server = HealthApi.Server(context);
            if (context.Request.Cookies[Authentication.SessionCookie] is { Length: > 0 } session)
            {
                await server.Store.DeleteSessionAsync(ApiTokens.HashOf(session), context.RequestAborted).ConfigureAwait(false);
            }

            context.Response.Cookies.Delete(Authentication.SessionCookie);
            context.Response.Cookies.Delete(ApiRoutes.CsrfCookie);
            server.Audit.Record(context, "sign-out", null, "allowed");
            return TypedResults.NoContent();
        });
        routes.Map(new ApiOperation("PUT", $"{path}/password", ApiAccess.Viewer, ApiScopes.Read, "session", "Changes the signed-in user's password.", typeof(PasswordChange), Status: 204), ChangePasswordAsync);
    }

    private static async Task<IResult> SignInAsync(HttpContext context)
    {
        var (body, problem) = await ApiJson.ReadAsync<SignIn>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var server = HealthApi.Server(context);
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (server.SignIns.WaitFor(body!.Name, address) is { } wait)
        {
            server.Audit.Record(body.Name, "sign-in", "session", "denied", "too many failed sign-ins", address);
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many sign-ins", $"Too many failed sign-ins for '{body.Name}' from this address; try again in {Math.Ceiling(wait.TotalMinutes):0} minute(s).");
        }

        var user = await server.Store.FindUserAsync(body.Name, context.RequestAborted).ConfigureAwait(false);
        var hash = user is null ? null : await server.Store.GetPasswordHashAsync(user.Id, context.RequestAborted).ConfigureAwait(false);
        // Verify even for an unknown user, so the answer's time does not tell which names exist.
        var verified = Passwords.Verify(body.Password, hash ?? Unknown);
        if (user is null || user.Disabled || hash is null || !verified)
        {
            server.SignIns.Failed(body.Name, address);
            server.Audit.Record(body.Name, "sign-in", "session", "denied", user?.Disabled == true ? "user disabled" : "wrong name or password", address);
            return Problems.Unauthorized("Wrong user name or password.");
        }

        server.SignIns.Succeeded(user.Name, address);
        var (secret, _, sessionHash) = ApiTokens.New();
        var now = server.Time.GetUtcNow();
        await server.Store.CreateSessionAsync(sessionHash, user.Id, now, now + Lifetime, context.RequestAborted).ConfigureAwait(false);
        var csrf = Passwords.Generate(32);
        var secure = context.Request.IsHttps;
        context.Response.Cookies.Append(Authentication.SessionCookie, secret, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = secure, Path = "/", MaxAge = Lifetime });
        context.Response.Cookies.Append(ApiRoutes.CsrfCookie, csrf, new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.Strict, Secure = secure, Path = "/", MaxAge = Lifetime });
        server.Audit.Record(user.Name, "sign-in", "session", "allowed", null, context.Connection.RemoteIpAddress?.ToString());
        var policy = await server.PolicyAsync(user.Role, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(new SessionView(user.Name, user.Role, policy.Level, "session", csrf, user.PasswordChangeRequired), ApiJson.Options);
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext context)
    {
        var caller = Caller.Required(context);
        if (caller.UserId is not { } userId)
        {
            return Problems.BadRequest("The local key has no password.");
        }

        var (body, problem) = await ApiJson.ReadAsync<PasswordChange>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var change = body!;
        var server = HealthApi.Server(context);
        var hash = await server.Store.GetPasswordHashAsync(userId, context.RequestAborted).ConfigureAwait(false);
        if (hash is null || !Passwords.Verify(change.CurrentPassword, hash))
        {
            server.Audit.Record(context, "user.password", caller.Actor, "denied", "wrong current password");
            return Problems.BadRequest("The current password is wrong.", "$.current_password");
        }

        if (UsersApi.PasswordProblem(change.NewPassword, "$.new_password") is { } weak)
        {
            return weak;
        }

        var user = await server.Store.GetUserAsync(userId, context.RequestAborted).ConfigureAwait(false);
        await server.Store.UpdateUserAsync(userId, user!.Version, null, null, Passwords.Hash(change.NewPassword), context.RequestAborted, passwordChangeRequired: false).ConfigureAwait(false);
        server.Audit.Record(context, "user.password", user.Name, "allowed");
        return TypedResults.NoContent();
    }

    private static readonly string Unknown = Passwords.Hash(Passwords.Generate());
}
