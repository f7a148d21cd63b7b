using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Server.Auth;

namespace Nagare.Server.Api;

/// <summary>Maps endpoints with their <see cref="ApiOperation"/>: the caller is checked before any handler runs.</summary>
public static class ApiRoutes
{
    /// <summary>Header a browser session sends with every change, equal to the <c>nagare_csrf</c> cookie.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>The cookie holding the anti-forgery value (readable by the page's script, unlike the session cookie).</summary>
    public const string CsrfCookie = "nagare_csrf";

    /// <summary>Maps <paramref name="handler"/> at <paramref name="operation"/>'s method and route, behind its access check.</summary>
    public static RouteHandlerBuilder Map(this IEndpointRouteBuilder routes, ApiOperation operation, Func<HttpContext, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(handler);
        return routes.MapMethods(operation.Route, [operation.Method], handler)
            .WithMetadata(operation)
            .AddEndpointFilter(async (invocation, next) =>
            {
                var problem = Check(invocation.HttpContext, operation);
                return problem is null ? await next(invocation).ConfigureAwait(false) : problem;
            });
    }

    /// <summary>Every operation mapped on <paramref name="routes"/>, in route order.</summary>
    public static IReadOnlyList<ApiOperation> OperationsOf(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return [.. routes.DataSources.SelectMany(s => s.Endpoints).Select(e => e.Metadata.GetMetadata<ApiOperation>()).OfType<ApiOperation>()
            .OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)];
    }

    /// <summary>Every operation of the running app serving <paramref name="context"/>.</summary>
    public static IReadOnlyList<ApiOperation> OperationsOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var source = (EndpointDataSource)context.RequestServices.GetService(typeof(EndpointDataSource))!;
        return [.. source.Endpoints.Select(e => e.Metadata.GetMetadata<ApiOperation>()).OfType<ApiOperation>()
            .OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)];
    }

    /// <summary>Why the caller of <paramref name="context"/> may not call <paramref name="operation"/>, as an answer; null when they may.</summary>
    internal static IResult? Check(HttpContext context, ApiOperation operation)
    {
        if (operation.Access == ApiAccess.Anonymous)
        {
            return null;
        }

        var caller = Caller.Of(context);
        var audit = context.RequestServices.GetService(typeof(ServerContext)) as ServerContext;
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized("Sign in (POST /api/v1/session) or send an API token: Authorization: Bearer <token>.");
        }

        string? denial = null;
        var needed = ApiScopes.LevelOf(operation.Access)!.Value;
        if (!caller.AtLeast(needed))
        {
            denial = $"Role '{caller.Policy.Role}' may not {operation.Method} {operation.Route}: it needs the {needed.ToString().ToLowerInvariant()} level or above.";
        }
        else if (!caller.Scopes.IsDefaultOrEmpty && operation.Scope != ApiScopes.Read && !caller.Scopes.Contains(operation.Scope) && !caller.Scopes.Contains(ApiScopes.Admin))
        {
            denial = $"This token's scopes ({string.Join(", ", caller.Scopes)}) do not include '{operation.Scope}', which {operation.Method} {operation.Route} needs.";
        }
        else if (caller.Via == CallerVia.Session && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !CsrfMatches(context))
        {
            denial = $"A change from a browser session needs the {CsrfHeader} header equal to the {CsrfCookie} cookie.";
        }

        if (denial is null)
        {
            return null;
        }

        audit?.Audit.Record(context, "access", $"{operation.Method} {context.Request.Path}", "denied", denial);
        return Problems.Forbidden(denial);
    }

    private static bool CsrfMatches(HttpContext context)
    {
        var header = context.Request.Headers[CsrfHeader].ToString();
        var cookie = context.Request.Cookies[CsrfCookie];
        return header.Length > 0 && cookie is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(header), System.Text.Encoding.UTF8.GetBytes(cookie));
    }
}
