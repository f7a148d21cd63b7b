using Microsoft.AspNetCore.Http;
using Nagare.Core;
using Nagare.Runtime.Access;

namespace Nagare.Server.Api;

/// <summary>Turns exceptions into problem answers: a user's error says what is wrong, an internal one says only that it happened (the server's log has it).</summary>
internal static class Errors
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nobody is left to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var problem = e switch
            {
                VersionConflictException conflict => Problems.PreconditionFailed(conflict.Message),
                NagareException user => Problems.BadRequest(user.Message),
                BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => Problems.Of(StatusCodes.Status413PayloadTooLarge, "Body too large", "The request body is larger than the server takes."),
                BadHttpRequestException bad => Problems.Of(bad.StatusCode, "Bad request", bad.Message),
                _ => null,
            };
            if (problem is null)
            {
                var server = (ServerContext?)context.RequestServices.GetService(typeof(ServerContext));
                server?.Options.Log?.Invoke($"error: {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {Redaction.Redact(e.Message)}");
                problem = Problems.Of(StatusCodes.Status500InternalServerError, "Internal error", "The server failed to answer; its log says why.");
            }

            await problem.ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
