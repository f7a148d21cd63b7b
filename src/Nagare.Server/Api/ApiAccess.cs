using Nagare.Runtime.Access;

namespace Nagare.Server.Api;

/// <summary>Who may call an endpoint: nobody signed in, or a role of at least a level.</summary>
public enum ApiAccess
{
    /// <summary>Anyone, signed in or not (health, sign-in, the OpenAPI document).</summary>
    Anonymous,

    /// <summary>Every signed-in role.</summary>
    Viewer,

    /// <summary>Analysts, editors and admins.</summary>
    Analyst,

    /// <summary>Editors and admins.</summary>
    Editor,

    /// <summary>Admins only.</summary>
    Admin,
}

/// <summary>The scopes an API token may be limited to.</summary>
public static class ApiScopes
{
    /// <summary>GET endpoints only.</summary>
    public const string Read = "read";

    /// <summary>Ad-hoc SQL and table previews.</summary>
    public const string Query = "query";

    /// <summary>Starting, cancelling and re-running runs.</summary>
    public const string Run = "run";

    /// <summary>Changing project objects.</summary>
    public const string Edit = "edit";

    /// <summary>Users, roles, tokens of others, the audit log.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope a token may name.</summary>
    public static IReadOnlyList<string> All { get; } = [Read, Query, Run, Edit, Admin];

    /// <summary>The role level an endpoint of <paramref name="access"/> needs, or null for anonymous ones.</summary>
    public static RoleLevel? LevelOf(ApiAccess access) => access switch
    {
        ApiAccess.Anonymous => null,
        ApiAccess.Viewer => RoleLevel.Viewer,
        ApiAccess.Analyst => RoleLevel.Analyst,
        ApiAccess.Editor => RoleLevel.Editor,
        _ => RoleLevel.Admin,
    };
}
