using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Core;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Pipelines;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>
/// The project's activations (reverse ETL): list, a dry run of what a run would send now (nothing is sent, the
/// snapshot of delivered records stays as it is), and running one on its own: a run like any other, on the server's
/// worker (<c>activate:NAME</c>).
/// </summary>
public static class ActivationsApi
{
    /// <summary>An activation as listed; one whose file has problems has no destination or mode, and says why.</summary>
    /// <param name="Name">The activation's name.</param>
    /// <param name="Destination">Where it sends, as users name it.</param>
    /// <param name="Mode">What a run sends.</param>
    /// <param name="Description">What it is for.</param>
    /// <param name="File">Its file, relative to the project.</param>
    /// <param name="Problem">Why it cannot run, or null.</param>
    /// <param name="DestinationType">The kind of destination: <c>database</c>, <c>files</c>, <c>s3</c> or <c>http</c>.</param>
    public sealed record ActivationView(string Name, string? Destination, string? Mode, string? Description, string File, string? Problem, string? DestinationType = null);

    /// <summary>All activations, by name.</summary>
    public sealed record ActivationList(IReadOnlyList<ActivationView> Items);

    /// <summary>Whether to ignore what was delivered before and send the whole result (default false), or to send only the records the destination rejected before (default false).</summary>
    public sealed record ActivationRequest(bool Full = false, bool RetryRejected = false);

    /// <summary>What a run would send now: counts and the first records of each kind (<c>insert</c>, <c>update</c>, <c>delete</c>).</summary>
    public sealed record PlanView(
        string Activation,
        string Destination,
        string Mode,
        long ResultRows,
        long Inserts,
        long Updates,
        long Deletes,
        long Unchanged,
        bool SendsAll,
        bool FirstRun,
        IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string?>>> Samples)
    {
        /// <summary>An HTTP destination's first requests of each kind, rendered as a run would send them (secrets masked); empty for other destinations.</summary>
        public IReadOnlyList<RequestView> Requests { get; init; } = [];

        /// <summary>The kind of destination: <c>database</c>, <c>files</c>, <c>s3</c> or <c>http</c>.</summary>
        public string? DestinationType { get; init; }
    }

    /// <summary>Records the destination rejected and no later run delivered: how many, and the newest of them.</summary>
    public sealed record RejectedList(long Total, IReadOnlyList<RejectedView> Items);

    /// <summary>A rejected record: its key and operation, the record as sent (JSON text), the destination's answer, the run that last tried it.</summary>
    public sealed record RejectedView(string Key, string Operation, string Record, int? HttpStatus, string? Response, string Error, long? RunId, DateTimeOffset? RejectedAt);

    /// <summary>A request a run would send: its kind (<c>insert</c>, <c>update</c>, <c>delete</c>, <c>send</c>), records, method, URL and body.</summary>
    public sealed record RequestView(string Operation, int Records, string Method, string Url, string? Body);

    /// <summary>Maps the endpoints.</summary>
    public static void MapActivationsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/activations";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "activations", "Lists the project's activations, with the problem of each that cannot run.", Response: typeof(ActivationList)), async context =>
        {
            var server = HealthApi.Server(context);
            var list = await Service(server).ListAsync(context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new ActivationList([.. list.Select(a => new ActivationView(a.Name, a.Destination, a.Mode, a.Description, FileOf(server.Project, a), a.Problem is null ? null : Redaction.Redact(a.Problem), a.DestinationType))]), ApiJson.Options);
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/plan", ApiAccess.Editor, ApiScopes.Run, "activations", "Dry run: what a run would send now (counts, sample records); sends nothing and leaves the snapshot of delivered records as it is.", typeof(ActivationRequest), typeof(PlanView), Example: new ActivationRequest(false)), async context =>
        {
            var (name, refused) = Checked(context);
            if (refused is not null)
            {
                return refused;
            }

            var (body, problem) = await ReadAsync(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var server = HealthApi.Server(context);
            ActivationPlan plan;
            try
            {
                plan = await Service(server).PlanAsync(name, new ActivationRunOptions { Full = body!.Full, RetryRejected = body.RetryRejected, LockWait = TimeSpan.FromSeconds(30) }, context.RequestAborted).ConfigureAwait(false);
            }
            catch (NagareException e)
            {
                return Problems.BadRequest(Redaction.Redact(e.Message));
            }

            return TypedResults.Json(View(plan) with { DestinationType = server.Project.GetActivation(name).Destination.Type }, ApiJson.Options);
        });
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}/rejected", ApiAccess.Editor, ApiScopes.Read, "activations", "The records the destination rejected and no later run delivered, newest first (?limit=, default 100): key, operation, the record, the answer; sent again by a run with retryRejected.", Response: typeof(RejectedList)), async context =>
        {
            var (name, refused) = Checked(context);
            if (refused is not null)
            {
                return refused;
            }

            var (limit, badLimit) = NagareApi.Limit(context, 100, 1000);
            if (badLimit is not null)
            {
                return badLimit;
            }

            var server = HealthApi.Server(context);
            ActivationRejectedRecords rejected;
            try
            {
                rejected = await Service(server).RejectedAsync(name, limit, new ActivationRunOptions { LockWait = TimeSpan.FromSeconds(30) }, context.RequestAborted).ConfigureAwait(false);
            }
            catch (NagareException e)
            {
                return Problems.BadRequest(Redaction.Redact(e.Message));
            }

            return TypedResults.Json(new RejectedList(rejected.Total, [.. rejected.Items.Select(r => new RejectedView(
                r.Rejection.Key, r.Rejection.Operation, r.Rejection.Record, r.Rejection.Status, r.Rejection.Response, r.Rejection.Error, r.RunId, r.RejectedAt))]), ApiJson.Options);
        });
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/runs", ApiAccess.Editor, ApiScopes.Run, "activations", "Runs an activation now (full: send the whole result, ignoring what was delivered; retryRejected: only the records the destination rejected before); a run like any other.", typeof(ActivationRequest), typeof(PipelinesApi.StartedRun), 201, new ActivationRequest(false)), async context =>
        {
            var (name, refused) = Checked(context);
            if (refused is not null)
            {
                return refused;
            }

            var (body, problem) = await ReadAsync(context).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var server = HealthApi.Server(context);
            if (body!.Full && body.RetryRejected)
            {
                return Problems.BadRequest("full sends the whole result and retryRejected only the rejected records: choose one.");
            }

            var run = await server.Pipelines.StartAsync(AdHocPipelines.ForActivation(name, body.Full, body.RetryRejected), new Dictionary<string, string>(StringComparer.Ordinal), null, null, context.RequestAborted).ConfigureAwait(false);
            server.Audit.Record(context, "activation.run", $"{name} #{run.Id}", "allowed", body.Full ? "full" : body.RetryRejected ? "retry-rejected" : null);
            var url = $"{NagareApi.Prefix}/runs/{run.Id}";
            context.Response.Headers.Location = url;
            return TypedResults.Json(new PipelinesApi.StartedRun(run.Id, run.State, run.Existing, url), ApiJson.Options, statusCode: StatusCodes.Status201Created);
        });
    }

    private static ActivationService Service(ServerContext server) => new(server.Project, server.Pipelines.Registry, server.Time);

    /// <summary>The route's activation, or why it cannot be used: none of that name (404), or its files have problems (409).</summary>
    private static (string Name, IResult? Refused) Checked(HttpContext context)
    {
        var project = HealthApi.Server(context).Project;
        var name = NagareApi.Route(context, "name");
        if (project.Activations.ContainsKey(name))
        {
            try
            {
                project.GetActivation(name);
                return (name, null);
            }
            catch (NagareException e)
            {
                return (name, Problems.Conflict(Redaction.Redact(e.Message)));
            }
        }

        var broken = project.Broken.IsDefault ? null : project.Broken.FirstOrDefault(b => b.Kind == "activation" && string.Equals(b.Name, name, StringComparison.Ordinal));
        return broken is null
            ? (name, Problems.NotFound($"No activation '{name}'."))
            : (name, Problems.Conflict($"Activation '{name}' cannot run: {Redaction.Redact(broken.Problem.Message)}"));
    }

    /// <summary>The body, or its defaults when the caller sent none.</summary>
    private static async Task<(ActivationRequest? Body, IResult? Problem)> ReadAsync(HttpContext context) =>
        context.Request.ContentType is null && context.Request.ContentLength is null or 0
            ? (new ActivationRequest(), null)
            : await ApiJson.ReadAsync<ActivationRequest>(context).ConfigureAwait(false);

    private static PlanView View(ActivationPlan plan) => new(
        plan.Activation,
        plan.Destination,
        plan.Mode,
        plan.ResultRows,
        plan.Inserts,
        plan.Updates,
        plan.Deletes,
        plan.Unchanged,
        plan.SendsAll,
        plan.FirstRun,
        new[] { "insert", "update", "delete" }.ToDictionary(
            kind => kind,
            kind => (IReadOnlyList<IReadOnlyDictionary<string, string?>>)(plan.Samples.TryGetValue(kind, out var rows) ? [.. rows] : []),
            StringComparer.Ordinal))
    {
        Requests = [.. plan.Requests.Select(r => new RequestView(r.Operation, r.Records, r.Method, r.Url, r.Body))],
    };

    /// <summary>The activation's file, relative to the project.</summary>
    private static string FileOf(Runtime.Configuration.ProjectConfig project, ActivationSummary summary)
    {
        var file = project.Activations.TryGetValue(summary.Name, out var activation) ? activation.Location.File : summary.Location;
        return Path.IsPathRooted(file) ? Path.GetRelativePath(project.Root, file) : file;
    }
}
