using Microsoft.AspNetCore.Http;

namespace Nagare.Server.Api;

/// <summary>
/// RFC 7807 problem details: every error the API answers is one of these, with the field at fault when there is one
/// (a JSON path such as <c>$.grants[1].privilege</c>, or a query parameter's name).
/// </summary>
public static class Problems
{
    /// <summary>The media type of a problem.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>A problem answer.</summary>
    public static IResult Of(int status, string title, string? detail = null, string? field = null) =>
        TypedResults.Json(new ProblemBody($"https://nagare.dev/problems/{Slug(title)}", title, status, detail, field), ApiJson.Options, MediaType, status);

    /// <summary>400: the request is wrong; <paramref name="field"/> names what.</summary>
    public static IResult BadRequest(string detail, string? field = null) => Of(StatusCodes.Status400BadRequest, "Bad request", detail, field);

    /// <summary>401: nobody is signed in.</summary>
    public static IResult Unauthorized(string detail) => Of(StatusCodes.Status401Unauthorized, "Not signed in", detail);

    /// <summary>403: the caller may not.</summary>
    public static IResult Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "Forbidden", detail);

    /// <summary>404: no such object (also answered for objects the caller may not see).</summary>
    public static IResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>409: the change conflicts with what exists.</summary>
    public static IResult Conflict(string detail, string? field = null) => Of(StatusCodes.Status409Conflict, "Conflict", detail, field);

    /// <summary>412: the object changed since the version the caller names in <c>If-Match</c>.</summary>
    public static IResult PreconditionFailed(string detail) => Of(StatusCodes.Status412PreconditionFailed, "Changed by someone else", detail);

    /// <summary>428: a change without <c>If-Match</c>.</summary>
    public static IResult PreconditionRequired(string detail) => Of(StatusCodes.Status428PreconditionRequired, "Version required", detail, "If-Match");

    private static string Slug(string title) => title.ToLowerInvariant().Replace(' ', '-');
}

/// <summary>The body of a problem answer.</summary>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">The kind of problem in words.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What went wrong in this request.</param>
/// <param name="Field">The request field at fault, or null.</param>
public sealed record ProblemBody(string Type, string Title, int Status, string? Detail, string? Field);
