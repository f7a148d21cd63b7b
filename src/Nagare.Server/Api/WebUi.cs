using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;

namespace Nagare.Server.Api;

/// <summary>
/// Serves the built web UI (a single-page app) at <c>/</c>: files under its folder as they are, and
/// <c>index.html</c> for every other path outside <c>/api/</c> and <c>/metrics</c>, so that a page's address can be
/// reloaded or shared. The UI holds no data; everything it shows comes through the API and its checks.
/// </summary>
internal sealed class WebUi
{
    /// <summary>What the pages may load: only this origin (styles inline for the editor), never framed.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private static readonly FileExtensionContentTypeProvider Types = new();
    private readonly string? root;

    /// <param name="root">The folder of the built UI (with <c>index.html</c>), or null when it is not built.</param>
    internal WebUi(string? root)
    {
        this.root = root is null ? null : Path.GetFullPath(root);
    }

    /// <summary>The middleware: answers GET and HEAD outside the API, passes everything else on.</summary>
    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            || path.StartsWith("/api/", StringComparison.Ordinal) || path is "/api" or "/metrics")
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers["X-Frame-Options"] = "DENY";
        if (root is null || !File.Exists(Path.Combine(root, "index.html")))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                "The web UI is not built. Build it with scripts/bootstrap --web (needs Node.js 20+), or point nagare serve --web at a built copy. The REST API is at /api/v1/.\n",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var file = Resolve(path);
        var asset = file is not null && path.StartsWith("/assets/", StringComparison.Ordinal);
        if (file is null)
        {
            if (path.StartsWith("/assets/", StringComparison.Ordinal) || Path.HasExtension(path))
            {
                // A missing script or image is not a page: answering index.html would hide the error.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            file = Path.Combine(root, "index.html");
        }

        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // Bundles carry a hash of their content in their names; index.html names the current ones.
        headers.CacheControl = asset ? "public, max-age=31536000, immutable" : "no-cache";
        context.Response.ContentType = Types.TryGetContentType(file, out var type) ? (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal) ? type + "; charset=utf-8" : type) : "application/octet-stream";
        headers.Vary = "Accept-Encoding";
        var (send, encoding) = Encoded(context.Request, file);
        if (encoding is not null)
        {
            headers.ContentEncoding = encoding;
        }

        context.Response.ContentLength = new FileInfo(send).Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await context.Response.SendFileAsync(send, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The copy of <paramref name="file"/> to send: the brotli or gzip one the build wrote beside it (NAME.br, NAME.gz)
    /// when the browser accepts that encoding, else the file itself.
    /// </summary>
    private static (string File, string? Encoding) Encoded(HttpRequest request, string file)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        foreach (var (encoding, suffix) in (ReadOnlySpan<(string, string)>)[("br", ".br"), ("gzip", ".gz")])
        {
            if (accepted.Any(a => a.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0) && File.Exists(file + suffix))
            {
                return (file + suffix, encoding);
            }
        }

        return (file, null);
    }

    /// <summary>The file a path names under the root, or null: nothing outside it, no hidden names.</summary>
    private string? Resolve(string path)
    {
        var relative = Uri.UnescapeDataString(path).TrimStart('/');
        if (relative.Length == 0 || relative.Contains('\\', StringComparison.Ordinal) || relative.Contains('\0', StringComparison.Ordinal)
            || relative.Split('/').Any(part => part.Length == 0 || part.StartsWith('.')))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine(root!, relative));
        return full.StartsWith(root! + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }
}
