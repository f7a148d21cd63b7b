using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Core;
using Nagare.Runtime.Access;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>Roles and their dataset grants (admins only).</summary>
public static class RolesApi
{
    /// <summary>A role as written: a level and grants.</summary>
    public sealed record RoleBody(RoleLevel Level, IReadOnlyList<DatasetGrant> Grants, string? Description = null, IReadOnlyList<ColumnMask>? Masks = null, IReadOnlyList<RowFilter>? RowFilters = null);

    /// <summary>A role to create.</summary>
    public sealed record NewRole(string Name, RoleLevel Level, IReadOnlyList<DatasetGrant> Grants, string? Description = null, IReadOnlyList<ColumnMask>? Masks = null, IReadOnlyList<RowFilter>? RowFilters = null);

    /// <summary>All roles.</summary>
    public sealed record RoleList(IReadOnlyList<RoleRecord> Items);

    /// <summary>Maps the endpoints.</summary>
    public static void MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/roles";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Admin, ApiScopes.Admin, "access", "Lists roles with their grants.", Response: typeof(RoleList)), async context =>
            TypedResults.Json(new RoleList(await HealthApi.Server(context).Store.ListRolesAsync(context.RequestAborted).ConfigureAwait(false)), ApiJson.Options));
        routes.Map(new ApiOperation("POST", path, ApiAccess.Admin, ApiScopes.Admin, "access", "Creates a role.", typeof(NewRole), typeof(RoleRecord), 201,
            new NewRole("partner_acme", RoleLevel.Analyst, [new DatasetGrant("mart_sales*", Privilege.Read), new DatasetGrant("dwh_secret", Privilege.None)], "A partner company's analysts",
                [new ColumnMask("mart_sales.customers", "email", MaskKind.Hash)], [new RowFilter("mart_sales.orders", "company_id = 42")])), async context =>
        {
            var (body, problem) = await ApiJson.ReadAsync<NewRole>(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if ((UsersApi.NameProblem(body!.Name, "$.name") ?? GrantsProblem(body.Grants) ?? ProtectionsProblem(body.Masks, body.RowFilters)) is { } bad)
            {
                return bad;
            }

            var server = HealthApi.Server(context);
            if (await server.Store.GetRoleAsync(body.Name, context.RequestAborted).ConfigureAwait(false) is not null)
            {
                return Problems.Conflict($"A role named '{body.Name}' exists already.", "$.name");
            }

            var role = await server.Store.PutRoleAsync(new RoleRecord(body.Name, body.Level, [.. body.Grants], body.Description) { Masks = [.. body.Masks ?? []], RowFilters = [.. body.RowFilters ?? []] }, null, context.RequestAborted).ConfigureAwait(false);
            server.Forget();
            server.Audit.Record(context, "role.create", role.Name, "allowed", Describe(role));
            context.Response.Headers.ETag = NagareApi.ETag(role.Version);
            return TypedResults.Json(role, ApiJson.Options, statusCode: StatusCodes.Status201Created);
        });
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}", ApiAccess.Admin, ApiScopes.Admin, "access", "A role (its ETag is its version).", Response: typeof(RoleRecord)), async context =>
        {
            var role = await HealthApi.Server(context).Store.GetRoleAsync(NagareApi.Route(context, "name"), context.RequestAborted).ConfigureAwait(false);
            if (role is null)
            {
                return Problems.NotFound($"No role '{NagareApi.Route(context, "name")}'.");
            }

            context.Response.Headers.ETag = NagareApi.ETag(role.Version);
            return TypedResults.Json(role, ApiJson.Options);
        });
        routes.Map(new ApiOperation("PUT", $"{path}/{{name}}", ApiAccess.Admin, ApiScopes.Admin, "access", "Replaces a role's level, grants and description (If-Match required).", typeof(RoleBody), typeof(RoleRecord),
            Example: new RoleBody(RoleLevel.Analyst, [new DatasetGrant("*", Privilege.Read), new DatasetGrant("dwh_secret", Privilege.None)])), async context =>
        {
            var server = HealthApi.Server(context);
            var name = NagareApi.Route(context, "name");
            if (await server.Store.GetRoleAsync(name, context.RequestAborted).ConfigureAwait(false) is not { } current)
            {
                return Problems.NotFound($"No role '{name}'.");
            }

            var (version, precondition) = NagareApi.IfMatch(context);
            if (precondition is not null)
            {
                return precondition;
            }

            var (body, problem) = await ApiJson.ReadAsync<RoleBody>(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if ((GrantsProblem(body!.Grants) ?? ProtectionsProblem(body.Masks, body.RowFilters)) is { } bad)
            {
                return bad;
            }

            if (current.Builtin && current.Name == "admin" && body.Level != RoleLevel.Admin)
            {
                return Problems.Conflict("The admin role keeps the admin level.", "$.level");
            }

            var role = await server.Store.PutRoleAsync(current with { Level = body.Level, Grants = [.. body.Grants], Description = body.Description, Masks = [.. body.Masks ?? []], RowFilters = [.. body.RowFilters ?? []] }, version, context.RequestAborted).ConfigureAwait(false);
            server.Forget();
            server.Audit.Record(context, "role.update", role.Name, "allowed", Describe(role));
            context.Response.Headers.ETag = NagareApi.ETag(role.Version);
            return TypedResults.Json(role, ApiJson.Options);
        });
        routes.Map(new ApiOperation("DELETE", $"{path}/{{name}}", ApiAccess.Admin, ApiScopes.Admin, "access", "Deletes a custom role no user holds.", Status: 204), async context =>
        {
            var server = HealthApi.Server(context);
            var name = NagareApi.Route(context, "name");
            if (!await server.Store.DeleteRoleAsync(name, context.RequestAborted).ConfigureAwait(false))
            {
                return Problems.NotFound($"No role '{name}'.");
            }

            server.Forget();
            server.Audit.Record(context, "role.delete", name, "allowed");
            return TypedResults.NoContent();
        });
    }

    private static IResult? GrantsProblem(IReadOnlyList<DatasetGrant> grants)
    {
        for (var i = 0; i < grants.Count; i++)
        {
            try
            {
                Runtime.Access.Grants.CheckPattern(grants[i].Pattern);
            }
            catch (NagareException e)
            {
                return Problems.BadRequest(e.Message, $"$.grants[{i}].pattern");
            }
        }

        return null;
    }

    private static IResult? ProtectionsProblem(IReadOnlyList<ColumnMask>? masks, IReadOnlyList<RowFilter>? filters)
    {
        static bool IsTable(string table) => table.Split('.') is [{ Length: > 0 }, { Length: > 0 }];
        for (var i = 0; i < (masks?.Count ?? 0); i++)
        {
            if (!IsTable(masks![i].Table))
            {
                return Problems.BadRequest($"A mask names its table as schema.table; got '{masks[i].Table}'.", $"$.masks[{i}].table");
            }

            if (string.IsNullOrWhiteSpace(masks[i].Column))
            {
                return Problems.BadRequest("A mask names its column.", $"$.masks[{i}].column");
            }
        }

        for (var i = 0; i < (filters?.Count ?? 0); i++)
        {
            if (!IsTable(filters![i].Table))
            {
                return Problems.BadRequest($"A row filter names its table as schema.table; got '{filters[i].Table}'.", $"$.row_filters[{i}].table");
            }

            if (string.IsNullOrWhiteSpace(filters[i].Where) || filters[i].Where.Length > 4000)
            {
                return Problems.BadRequest("A row filter's where is a SQL condition of 1 to 4000 characters, e.g. company_id = 42.", $"$.row_filters[{i}].where");
            }
        }

        return null;
    }

    private static string Describe(RoleRecord role) =>
        $"{role.Level.ToString().ToLowerInvariant()}; " + string.Join(", ", role.Grants.Select(g => $"{g.Pattern} {g.Privilege.ToString().ToLowerInvariant()}"))
        + string.Concat(role.Masks.Select(m => $"; mask {m.Table}.{m.Column} {m.With.ToString().ToLowerInvariant()}"))
        + string.Concat(role.RowFilters.Select(f => $"; rows of {f.Table} where {f.Where}"));
}
