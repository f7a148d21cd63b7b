using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Local users (admins only).</summary>
public static class UsersApi
{
    /// <summary>A user to create.</summary>
    public sealed record NewUser(string Name, string Role, string Password);

    /// <summary>A change of a user: only the fields given change.</summary>
    public sealed record UserChange(string? Role = null, bool? Disabled = null, string? Password = null);

    /// <summary>A page of users.</summary>
    public sealed record UserList(IReadOnlyList<UserRecord> Items);

    /// <summary>Maps the endpoints.</summary>
    public static void MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/users";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Admin, ApiScopes.Admin, "access", "Lists users.", Response: typeof(UserList)), async context =>
            TypedResults.Json(new UserList(await HealthApi.Server(context).Store.ListUsersAsync(context.RequestAborted).ConfigureAwait(false)), ApiJson.Options));
        routes.Map(new ApiOperation("POST", path, ApiAccess.Admin, ApiScopes.Admin, "access", "Creates a user, who is asked to change the password given here (password_change_required).", typeof(NewUser), typeof(UserRecord), 201, new NewUser("hanako", "analyst", "a long passphrase")), CreateAsync);
        routes.Map(new ApiOperation("GET", $"{path}/{{id}}", ApiAccess.Admin, ApiScopes.Admin, "access", "A user (its ETag is its version).", Response: typeof(UserRecord)), async context =>
        {
            var user = NagareApi.Id(context) is { } id ? await HealthApi.Server(context).Store.GetUserAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
            if (user is null)
            {
                return Problems.NotFound($"No user {NagareApi.Route(context, "id")}.");
            }

            context.Response.Headers.ETag = NagareApi.ETag(user.Version);
            return TypedResults.Json(user, ApiJson.Options);
        });
        routes.Map(new ApiOperation("PATCH", $"{path}/{{id}}", ApiAccess.Admin, ApiScopes.Admin, "access", "Changes a user's role, password (another user is then asked to change it) or whether it is disabled (If-Match required).", typeof(UserChange), typeof(UserRecord)), UpdateAsync);
        routes.Map(new ApiOperation("DELETE", $"{path}/{{id}}", ApiAccess.Admin, ApiScopes.Admin, "access", "Deletes a user with its tokens and sessions.", Status: 204), async context =>
        {
            var server = HealthApi.Server(context);
            if (NagareApi.Id(context) is not { } id || await server.Store.GetUserAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } user)
            {
                return Problems.NotFound($"No user {NagareApi.Route(context, "id")}.");
            }

            if (Auth.Caller.Required(context).UserId == id)
            {
                return Problems.Conflict("You cannot delete yourself; another admin can.");
            }

            await server.Store.DeleteUserAsync(id, context.RequestAborted).ConfigureAwait(false);
            server.Forget();
            server.Audit.Record(context, "user.delete", user.Name, "allowed");
            return TypedResults.NoContent();
        });
    }

    /// <summary>Why <paramref name="password"/> is not taken, as an answer; null when it is.</summary>
    internal static IResult? PasswordProblem(string password, string field) =>
        password.Length is < 12 or > 1024 ? Problems.BadRequest("A password needs 12 to 1024 characters.", field) : null;

    /// <summary>Why <paramref name="name"/> is not a user name, as an answer; null when it is.</summary>
    internal static IResult? NameProblem(string name, string field) =>
        name.Length is 0 or > 64 || !name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '@')
            ? Problems.BadRequest($"'{name}' is not a valid name: use 1 to 64 letters, digits, _, -, . and @.", field)
            : null;

    private static async Task<IResult> CreateAsync(HttpContext context)
    {
        var (body, problem) = await ApiJson.ReadAsync<NewUser>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if ((NameProblem(body!.Name, "$.name") ?? PasswordProblem(body.Password, "$.password")) is { } bad)
        {
            return bad;
        }

        var server = HealthApi.Server(context);
        if (await server.Store.GetRoleAsync(body.Role, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return Problems.BadRequest($"No role '{body.Role}'.", "$.role");
        }

        if (await server.Store.FindUserAsync(body.Name, context.RequestAborted).ConfigureAwait(false) is not null)
        {
            return Problems.Conflict($"A user named '{body.Name}' exists already.", "$.name");
        }

        // The admin knows this password: the user is asked to choose their own.
        var user = await server.Store.CreateUserAsync(body.Name, body.Role, Passwords.Hash(body.Password), server.Time.GetUtcNow(), context.RequestAborted, passwordChangeRequired: true).ConfigureAwait(false);
        server.Audit.Record(context, "user.create", user.Name, "allowed", $"role {user.Role}");
        context.Response.Headers.ETag = NagareApi.ETag(user.Version);
        return TypedResults.Json(user, ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        if (NagareApi.Id(context) is not { } id || await server.Store.GetUserAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } current)
        {
            return Problems.NotFound($"No user {NagareApi.Route(context, "id")}.");
        }

        var (version, precondition) = NagareApi.IfMatch(context);
        if (precondition is not null)
        {
            return precondition;
        }

        var (body, problem) = await ApiJson.ReadAsync<UserChange>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Password is { } password && PasswordProblem(password, "$.password") is { } weak)
        {
            return weak;
        }

        if (body.Role is { } role && await server.Store.GetRoleAsync(role, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return Problems.BadRequest($"No role '{role}'.", "$.role");
        }

        // A password set for someone else is theirs to replace; one an admin sets for themself is their own choice.
        bool? changeRequired = body.Password is null ? null : Auth.Caller.Required(context).UserId != id;
        var updated = await server.Store.UpdateUserAsync(id, version, body.Role, body.Disabled, body.Password is null ? null : Passwords.Hash(body.Password), context.RequestAborted, changeRequired).ConfigureAwait(false);
        if (updated is null)
        {
            return Problems.NotFound($"No user {id}.");
        }

        server.Forget();
        var what = string.Join(", ", new[] { body.Role is null ? null : $"role {body.Role}", body.Disabled is null ? null : body.Disabled.Value ? "disabled" : "enabled", body.Password is null ? null : "password" }.OfType<string>());
        server.Audit.Record(context, "user.update", current.Name, "allowed", what);
        context.Response.Headers.ETag = NagareApi.ETag(updated.Version);
        return TypedResults.Json(updated, ApiJson.Options);
    }
}
