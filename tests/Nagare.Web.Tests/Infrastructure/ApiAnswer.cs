using System.Net;
using System.Text.Json;

namespace Nagare.Web.Tests.Infrastructure;

/// <summary>An answer of the REST API: its status, its JSON body (<see cref="JsonValueKind.Undefined"/> when empty) and its ETag.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, string? ETag)
{
    /// <summary>True for a 2xx status.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
