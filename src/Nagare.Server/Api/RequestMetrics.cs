using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Nagare.Server.Api;

/// <summary>Counts answers by status class for <c>/metrics</c>.</summary>
internal static class RequestMetrics
{
    private static readonly long[] ByClass = new long[6];

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref ByClass[Math.Clamp(context.Response.StatusCode / 100, 0, 5)]);
        }
    }

    public static void Write(StringBuilder text)
    {
        text.AppendLine("# HELP nagare_http_responses_total Answers since the server started, by status class.").AppendLine("# TYPE nagare_http_responses_total counter");
        for (var i = 1; i < ByClass.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"nagare_http_responses_total{{code=\"{i}xx\"}} {Interlocked.Read(ref ByClass[i])}").AppendLine();
        }
    }
}
