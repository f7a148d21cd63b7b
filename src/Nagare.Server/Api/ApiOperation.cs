namespace Nagare.Server.Api;

/// <summary>
/// What the API says about one endpoint: who may call it and what it takes and returns. Every endpoint is mapped
/// with one (<see cref="ApiRoutes.Map"/>), which is what checks the caller before the handler runs and what the
/// OpenAPI document is written from; an endpoint without one is refused by the server's own startup check.
/// </summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Route">Route template, e.g. <c>/api/v1/runs/{id}</c>.</param>
/// <param name="Access">The role level it needs.</param>
/// <param name="Scope">The token scope it needs (<see cref="ApiScopes"/>); GET endpoints that only read use <c>read</c>.</param>
/// <param name="Tag">Group in the OpenAPI document.</param>
/// <param name="Summary">One line for the OpenAPI document.</param>
/// <param name="Request">The JSON body it takes, or null.</param>
/// <param name="Response">The JSON it answers with, or null.</param>
/// <param name="Status">The status of a successful answer.</param>
/// <param name="Example">An example body for the OpenAPI document, or null.</param>
public sealed record ApiOperation(string Method, string Route, ApiAccess Access, string Scope, string Tag, string Summary, Type? Request = null, Type? Response = null, int Status = 200, object? Example = null)
{
    /// <summary>The OpenAPI operation id: method and route in words.</summary>
    public string OperationId => Method.ToLowerInvariant() + string.Concat(Route.Replace("/api/v1", string.Empty, StringComparison.Ordinal)
        .Split('/', '-', '{', '}', '*', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
