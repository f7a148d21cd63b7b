using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Runtime.Configuration;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>
/// Configuration as code: the project's files as the server has them, and applying a set of changes to them all
/// or nothing (<c>nagare plan</c>, <c>nagare apply</c>, <c>nagare export</c>). Files hold no secrets: connection
/// secrets stay in the server's store, referenced as <c>${secret:…}</c>.
/// </summary>
public static class ProjectApi
{
    /// <summary>A project file as listed: its path, the SHA-256 of its bytes, its size.</summary>
    public sealed record FileEntry(string Path, string Sha256, long Bytes);

    /// <summary>The project's files.</summary>
    public sealed record FileList(IReadOnlyList<FileEntry> Items);

    /// <summary>
    /// Changes to apply: new contents by path, paths to delete, and for each changed or deleted path the SHA-256 the
    /// caller planned against (<paramref name="Base"/>; a path missing from it must not exist on the server yet).
    /// </summary>
    public sealed record ApplyRequest(IReadOnlyDictionary<string, string>? Files = null, IReadOnlyList<string>? Delete = null, IReadOnlyDictionary<string, string>? Base = null);

    /// <summary>What was applied.</summary>
    public sealed record ApplyResult(IReadOnlyList<string> Created, IReadOnlyList<string> Changed, IReadOnlyList<string> Deleted);

    /// <summary>Maps the endpoints.</summary>
    public static void MapProjectApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/project";
        routes.Map(new ApiOperation("GET", $"{path}/files", ApiAccess.Editor, ApiScopes.Read, "project", "The project's files (configuration, models) with their SHA-256.", Response: typeof(FileList)), context =>
        {
            var root = HealthApi.Server(context).Project.Root;
            return Task.FromResult<IResult>(TypedResults.Json(new FileList([.. ProjectFiles.List(root).Select(p => Entry(root, p))]), ApiJson.Options));
        });
        routes.Map(new ApiOperation("GET", $"{path}/files/{{**path}}", ApiAccess.Editor, ApiScopes.Read, "project", "One project file's content (its ETag is its SHA-256)."), async context =>
        {
            var relative = NagareApi.Route(context, "path");
            var root = HealthApi.Server(context).Project.Root;
            var full = Path.Combine(root, relative);
            if (ProjectFiles.Problem(relative) is not null || !File.Exists(full))
            {
                return Problems.NotFound($"No project file '{relative}'.");
            }

            var bytes = await File.ReadAllBytesAsync(full, context.RequestAborted).ConfigureAwait(false);
            context.Response.Headers.ETag = $"\"{ProjectFiles.Hash(bytes)}\"";
            return TypedResults.Bytes(bytes, "text/plain; charset=utf-8");
        });
        routes.Map(new ApiOperation("PUT", $"{path}/files/{{**path}}", ApiAccess.Editor, ApiScopes.Edit, "project", "Creates or replaces one project file (If-Match: its ETag to replace), after checking the project loads without problems.", typeof(FileContent), typeof(ApplyResult), Example: new FileContent("name: nightly\nschedule: \"0 3 * * *\"\nsteps:\n  - sync: app_to_lake\n")), PutFileAsync);
        routes.Map(new ApiOperation("POST", $"{path}/apply", ApiAccess.Editor, ApiScopes.Edit, "project", "Applies file changes all or nothing, after checking the resulting project loads without problems.", typeof(ApplyRequest), typeof(ApplyResult),
            Example: new ApplyRequest(new Dictionary<string, string>(StringComparer.Ordinal) { ["syncs/app_to_lake.yml"] = "name: app_to_lake\n…" }, ["pipelines/old.yml"], new Dictionary<string, string>(StringComparer.Ordinal) { ["syncs/app_to_lake.yml"] = "3f1c…", ["pipelines/old.yml"] = "9a0b…" })), ApplyAsync);
    }

    private static FileEntry Entry(string root, string relative)
    {
        var bytes = File.ReadAllBytes(Path.Combine(root, relative));
        return new FileEntry(relative, ProjectFiles.Hash(bytes), bytes.Length);
    }

    /// <summary>The largest change <c>apply</c> takes, in bytes: a whole project's files, larger than other requests.</summary>
    public const long MaxApplyBytes = 64L << 20;

    private static async Task<IResult> ApplyAsync(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxApplyBytes;
        }

        var (body, problem) = await ApiJson.ReadAsync<ApplyRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var result = await ChangeAsync(context, body!.Files ?? new Dictionary<string, string>(StringComparer.Ordinal), body.Delete ?? [], body.Base ?? new Dictionary<string, string>(StringComparer.Ordinal)).ConfigureAwait(false);
        return result.Problem ?? TypedResults.Json(result.Applied!, ApiJson.Options);
    }

    /// <summary>A file's new content (PUT of one project file).</summary>
    public sealed record FileContent(string Content);

    private static async Task<IResult> PutFileAsync(HttpContext context)
    {
        var relative = NagareApi.Route(context, "path");
        var (body, problem) = await ApiJson.ReadAsync<FileContent>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        // A file is replaced only at the version the caller read (If-Match: its ETag), created only when it is new
        // (no If-Match, or If-None-Match: *): two people editing the same object do not overwrite each other.
        var ifMatch = context.Request.Headers.IfMatch.ToString().Trim().Trim('"');
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ifMatch.Length > 0)
        {
            expected[relative] = ifMatch;
        }
        else if (File.Exists(Path.Combine(HealthApi.Server(context).Project.Root, relative)) && ProjectFiles.Problem(relative) is null)
        {
            return Problems.PreconditionRequired($"'{relative}' exists: send If-Match with the ETag of the version you changed (GET it first).");
        }

        var full = Path.Combine(HealthApi.Server(context).Project.Root, relative);
        if (ifMatch.Length > 0 && ProjectFiles.Problem(relative) is null
            && (!File.Exists(full) || ProjectFiles.Hash(await File.ReadAllBytesAsync(full, context.RequestAborted).ConfigureAwait(false)) != ifMatch))
        {
            return Problems.PreconditionFailed($"'{relative}' is not at the version If-Match names any more; GET it again and redo the change.");
        }

        var result = await ChangeAsync(context, new Dictionary<string, string>(StringComparer.Ordinal) { [relative] = body!.Content }, [], expected).ConfigureAwait(false);
        if (result.Problem is not null)
        {
            return result.Problem;
        }

        // The file holds exactly the content's UTF-8 bytes (written without a byte order mark): its ETag needs no read.
        context.Response.Headers.ETag = $"\"{ProjectFiles.Hash(new UTF8Encoding(false).GetBytes(body.Content))}\"";
        return TypedResults.Json(result.Applied!, ApiJson.Options, statusCode: result.Applied!.Created.Count > 0 ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>Checks and applies file changes all or nothing; the applied change, or a problem and nothing changed.</summary>
    private static async Task<(ApplyResult? Applied, IResult? Problem)> ChangeAsync(HttpContext context, IReadOnlyDictionary<string, string> files, IReadOnlyList<string> delete, IReadOnlyDictionary<string, string> expected)
    {
        foreach (var (relative, field) in files.Keys.Select(k => (k, $"$.files['{k}']")).Concat(delete.Select((d, i) => (d, $"$.delete[{i}]"))))
        {
            if (ProjectFiles.Problem(relative) is { } bad)
            {
                return (null, Problems.BadRequest(bad, field));
            }
        }

        if (files.Keys.Intersect(delete, StringComparer.Ordinal).FirstOrDefault() is { } both)
        {
            return (null, Problems.BadRequest($"'{both}' is both written and deleted.", "$.delete"));
        }

        var server = HealthApi.Server(context);
        var root = server.Project.Root;
        await server.ProjectWrites.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            // Each changed path must still be what the caller planned against: someone else's change is not overwritten.
            foreach (var relative in files.Keys.Concat(delete))
            {
                var full = Path.Combine(root, relative);
                var current = File.Exists(full) ? ProjectFiles.Hash(await File.ReadAllBytesAsync(full, context.RequestAborted).ConfigureAwait(false)) : null;
                expected.TryGetValue(relative, out var planned);
                if (!string.Equals(current, planned, StringComparison.Ordinal))
                {
                    return (null, Problems.Conflict($"'{relative}' changed on the server since the plan ({(current is null ? "it does not exist" : "its content differs")}); plan again.", $"$.base['{relative}']"));
                }
            }

            // The project as it would be, loaded by the same reader as every command: a problem refuses the whole change.
            var candidate = Path.Combine(Path.GetTempPath(), "nagare-apply-" + Guid.NewGuid().ToString("N"));
            try
            {
                foreach (var relative in ProjectFiles.List(root).Except(delete, StringComparer.Ordinal))
                {
                    Copy(Path.Combine(root, relative), Path.Combine(candidate, relative));
                }

                foreach (var (relative, content) in files)
                {
                    var target = Path.Combine(candidate, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await File.WriteAllTextAsync(target, content, new UTF8Encoding(false), context.RequestAborted).ConfigureAwait(false);
                }

                if (!File.Exists(Path.Combine(candidate, ProjectConfig.FileName)))
                {
                    return (null, Problems.BadRequest($"The change would delete {ProjectConfig.FileName}.", "$.delete"));
                }

                // Environment references and stored secrets resolve as they will on the server; a secret not stored
                // yet is not a problem of the files (it is set through the connections API).
                var secrets = await StoredSecrets.ReadAsync(server.Store, root, context.RequestAborted).ConfigureAwait(false);
                var checkedProject = ProjectLoader.Read(candidate, server.Pipelines.Registry, SecretReferences.Lookup(secrets.Find));
                var problems = checkedProject.Broken.Where(b => !b.Problem.Message.Contains("no secret '", StringComparison.Ordinal)).ToList();
                if (problems.Count > 0)
                {
                    var first = problems[0];
                    var relative = Path.GetRelativePath(candidate, first.File).Replace(Path.DirectorySeparatorChar, '/');
                    return (null, Problems.BadRequest(string.Join("\n", problems.Select(p => p.Problem.Message.Replace(candidate + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal))), $"$.files['{relative}']"));
                }
            }
            catch (ConfigException e)
            {
                return (null, Problems.BadRequest(e.Message.Replace(candidate + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal), "$.files"));
            }
            finally
            {
                if (Directory.Exists(candidate))
                {
                    Directory.Delete(candidate, recursive: true);
                }
            }

            // Every new content is written beside its file first; then the renames, then the deletions.
            var created = new List<string>();
            var changed = new List<string>();
            var staged = new List<(string Temporary, string Target)>();
            foreach (var (relative, content) in files)
            {
                var target = Path.Combine(root, relative);
                (File.Exists(target) ? changed : created).Add(relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
                await File.WriteAllTextAsync(temporary, content, new UTF8Encoding(false), context.RequestAborted).ConfigureAwait(false);
                staged.Add((temporary, target));
            }

            foreach (var (temporary, target) in staged)
            {
                File.Move(temporary, target, overwrite: true);
            }

            foreach (var relative in delete)
            {
                File.Delete(Path.Combine(root, relative));
            }

            await server.ReloadProjectAsync(CancellationToken.None).ConfigureAwait(false);
            server.Audit.Record(context, "project.apply", $"{created.Count} created, {changed.Count} changed, {delete.Count} deleted", "allowed", string.Join(", ", created.Concat(changed).Concat(delete)));
            return (new ApplyResult(created, changed, [.. delete]), null);
        }
        finally
        {
            server.ProjectWrites.Release();
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }
}
