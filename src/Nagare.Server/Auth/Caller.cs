using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Nagare.Runtime.Access;

namespace Nagare.Server.Auth;

/// <summary>How a caller proved who they are.</summary>
public enum CallerVia
{
    /// <summary>A browser session cookie (changes need the anti-forgery header).</summary>
    Session,

    /// <summary>A bearer API token.</summary>
    Token,

    /// <summary>The key this server wrote for the command line on its own machine (<c>.nagare/server.json</c>).</summary>
    LocalKey,
}

/// <summary>The signed-in caller of a request.</summary>
/// <param name="Actor">Who, as the audit log names them: a user name, <c>NAME (token T)</c>, or <c>local</c>.</param>
/// <param name="UserId">The user, or null for the local key.</param>
/// <param name="Policy">Their role's level and grants.</param>
/// <param name="Scopes">The token's scopes; empty for everything the role may do.</param>
/// <param name="Via">How they signed in.</param>
public sealed record Caller(string Actor, long? UserId, AccessPolicy Policy, ImmutableArray<string> Scopes, CallerVia Via)
{
    private static readonly object Key = new();

    /// <summary>The caller of <paramref name="context"/>, or null when nobody is signed in.</summary>
    public static Caller? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out var caller) ? caller as Caller : null;
    }

    /// <summary>The caller of an endpoint that needs one (its access filter has let it in).</summary>
    public static Caller Required(HttpContext context) => Of(context) ?? throw new InvalidOperationException("An endpoint that needs a caller ran without one.");

    /// <summary>Sets the caller of <paramref name="context"/>.</summary>
    public void Attach(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[Key] = this;
    }

    /// <summary>True when the caller's role has at least <paramref name="level"/>.</summary>
    public bool AtLeast(RoleLevel level) => Policy.Level >= level;
}
