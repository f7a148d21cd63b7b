using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Core;
using Nagare.Core.Schema;
using Nagare.Runtime.Access;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Server.Api;

namespace Nagare.Server.Apis;

/// <summary>
/// The project's connections, read from and written back to <c>connections/NAME.yml</c>. Secret fields are write-only:
/// their values are sealed in the metadata store and the file holds <c>${secret:connection.NAME.FIELD}</c>; no answer,
/// log line or audit entry carries them.
/// </summary>
public static partial class ConnectionsApi
{
    /// <summary>A connection as written: its type, plain settings and secret values (omit a secret to keep the stored one).</summary>
    /// <param name="Type">Connector type, e.g. <c>postgres</c>.</param>
    /// <param name="Settings">The connector's keys with plain values (text, numbers, booleans, lists, mappings of text).</param>
    /// <param name="Secrets">Keys whose values are stored sealed, never shown again.</param>
    public sealed record ConnectionBody(string Type, IReadOnlyDictionary<string, JsonElement>? Settings = null, IReadOnlyDictionary<string, string>? Secrets = null);

    /// <summary>A connection as the API shows it: secret fields only say whether they are set.</summary>
    /// <param name="Name">The connection's name.</param>
    /// <param name="Type">Connector type.</param>
    /// <param name="MaxConcurrency">Most streams or chunks at once.</param>
    /// <param name="Settings">Plain values, and <c>{"secret": true, "set": …}</c> for secret fields.</param>
    /// <param name="File">The file defining it, relative to the project folder.</param>
    /// <param name="Builtin">True for the built-in warehouse (defined by nagare.yml, not changed here).</param>
    /// <param name="Problem">Why the file cannot be used, or null.</param>
    public sealed record ConnectionView(string Name, string Type, int? MaxConcurrency, IReadOnlyDictionary<string, JsonNode?> Settings, string File, bool Builtin, string? Problem);

    /// <summary>All connections.</summary>
    public sealed record ConnectionList(IReadOnlyList<ConnectionView> Items);

    /// <summary>The outcome of a connection test.</summary>
    /// <param name="Ok">True when the connection opened and answered.</param>
    /// <param name="Error">Why not (secrets removed), or null.</param>
    /// <param name="Type">The connector type.</param>
    /// <param name="Seconds">How long the test took.</param>
    /// <param name="Version">The server version it reports, when it has one.</param>
    public sealed record ConnectionTest(bool Ok, string? Error, string? Type, double? Seconds, string? Version);

    /// <summary>A discovered column.</summary>
    public sealed record StreamColumn(string Name, string Type, bool Nullable, string? NativeType);

    /// <summary>A discovered stream.</summary>
    public sealed record StreamView(string Stream, string Schema, string Table, IReadOnlyList<StreamColumn> Columns, IReadOnlyList<string> PrimaryKey, IReadOnlyList<string> CursorCandidates, long? EstimatedRows);

    /// <summary>A page of discovered streams; <c>next</c> is the <c>after</c> value of the next page, or null on the last.</summary>
    public sealed record StreamPage(IReadOnlyList<StreamView> Items, string? Next);

    /// <summary>The first rows of a stream, to judge a column mapping by.</summary>
    /// <param name="Stream">The stream, <c>schema.table</c>.</param>
    /// <param name="Columns">Every column with its canonical type, in the order of each row's values.</param>
    /// <param name="Rows">The rows (at most the limit), each an array of JSON values: numbers exact, timestamps ISO 8601, bytes base64, lists and structs as JSON.</param>
    public sealed record StreamSampleView(string Stream, IReadOnlyList<SampleColumn> Columns, IReadOnlyList<IReadOnlyList<JsonElement>> Rows);

    private const string MaxConcurrencyKey = "max_concurrency";
    private const int SampleRows = 20;
    private const int MaxSampleRows = 200;
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Maps the endpoints.</summary>
    public static void MapConnectionsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/connections";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "connections", "Lists connections: settings, which secret fields are set (never their values), the file.", Response: typeof(ConnectionList)), context =>
        {
            var server = HealthApi.Server(context);
            var project = server.Project;
            var items = project.Connections.Values.Select(c => View(server, c)).Concat(BrokenViews(server)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
            return Task.FromResult<IResult>(TypedResults.Json(new ConnectionList(items), ApiJson.Options));
        });
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}", ApiAccess.Viewer, ApiScopes.Read, "connections", "A connection (its ETag is a hash of its file).", Response: typeof(ConnectionView)), async context =>
        {
            var server = HealthApi.Server(context);
            var name = NagareApi.Route(context, "name");
            if (NameProblem(name) is { } bad)
            {
                return bad;
            }

            var view = server.Project.Connections.TryGetValue(name, out var connection) ? View(server, connection) : BrokenViews(server).FirstOrDefault(v => v.Name == name);
            if (view is null)
            {
                return Problems.NotFound($"No connection '{name}'.");
            }

            if (!view.Builtin && FileOf(server, name) is { } file)
            {
                context.Response.Headers.ETag = await ETagAsync(file, context.RequestAborted).ConfigureAwait(false);
            }

            return TypedResults.Json(view, ApiJson.Options);
        });
        routes.Map(new ApiOperation("PUT", $"{path}/{{name}}", ApiAccess.Editor, ApiScopes.Edit, "connections", "Creates or replaces a connection file; secrets are stored sealed (If-Match to replace, If-None-Match: * to create only).", typeof(ConnectionBody), typeof(ConnectionView),
            Example: new ConnectionBody("postgres", new Dictionary<string, JsonElement> { ["host"] = JsonSerializer.SerializeToElement("db.internal"), ["database"] = JsonSerializer.SerializeToElement("shop"), ["user"] = JsonSerializer.SerializeToElement("nagare") }, new Dictionary<string, string> { ["password"] = "…" })),
            PutAsync);
        routes.Map(new ApiOperation("DELETE", $"{path}/{{name}}", ApiAccess.Editor, ApiScopes.Edit, "connections", "Deletes a connection file and its stored secrets; refused while a sync uses it.", Status: 204), DeleteAsync);
        routes.Map(new ApiOperation("POST", $"{path}/{{name}}/test", ApiAccess.Editor, ApiScopes.Edit, "connections", "Opens the connection and says whether it answers (errors without secrets).", Response: typeof(ConnectionTest)), TestAsync);
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}/streams", ApiAccess.Editor, ApiScopes.Read, "connections", "Discovers the connection's streams: columns with types, primary key (select=GLOB, limit, after).", Response: typeof(StreamPage)), StreamsAsync);
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}/streams/{{stream}}/sample", ApiAccess.Editor, ApiScopes.Read, "connections", $"The first rows of one stream (its id URL-encoded, e.g. public.users), every column with its type (limit, default {SampleRows}, at most {MaxSampleRows}); the limit is pushed into the source's query.", Response: typeof(StreamSampleView)), SampleAsync);
    }

    private static async Task<IResult> PutAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (NameProblem(name) is { } badName)
        {
            return badName;
        }

        var (body, problem) = await ApiJson.ReadAsync<ConnectionBody>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var registry = server.Pipelines.Registry;
        if (registry.Find(body!.Type) is not { } type)
        {
            return Problems.BadRequest($"Unknown connector type '{body.Type}'{Suggest(body.Type, registry.TypeNames)}. Known: {string.Join(", ", registry.TypeNames)}.", "$.type");
        }

        var settings = body.Settings ?? new Dictionary<string, JsonElement>();
        var secrets = body.Secrets ?? new Dictionary<string, string>();
        // ${ENV} references are not taken through the API (an editor could read the server's environment through
        // a connection's errors), except the very references the file already holds, sent back as they were shown.
        var written = References(server, name);
        if (BodyProblem(type, settings.Where(s => !(s.Value.ValueKind == JsonValueKind.String && written.TryGetValue(s.Key, out var same) && same == s.Value.GetString()))
            .ToDictionary(StringComparer.Ordinal), secrets) is { } badBody)
        {
            return badBody;
        }

        await server.ProjectWrites.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            var existing = FileOf(server, name);
            if (await PreconditionAsync(context, existing).ConfigureAwait(false) is { } precondition)
            {
                return precondition;
            }

            var root = server.Project.Root;
            var target = existing ?? Path.Combine(root, "connections", name + ".yml");
            var display = Path.GetRelativePath(root, target);
            var stored = await StoredSecrets.ReadAsync(server.Store, root, context.RequestAborted).ConfigureAwait(false);
            var prefix = SecretReferences.ConnectionPrefix(name);
            // A secret field left out keeps its stored value, unless the field is now given as a plain setting.
            var kept = stored.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..])
                .Where(k => type.Keys.Contains(k) && !settings.ContainsKey(k) && !secrets.ContainsKey(k)).ToList();
            var secretKeys = secrets.Keys.Concat(kept).Order(StringComparer.Ordinal).ToList();
            // A secret the file takes from the environment (${ENV}) and the request leaves out stays so.
            var fromEnvironment = written.Where(r => type.SecretKeys.Contains(r.Key) && !settings.ContainsKey(r.Key) && !secrets.ContainsKey(r.Key) && !kept.Contains(r.Key))
                .ToDictionary(r => r.Key, r => JsonSerializer.SerializeToElement(r.Value), StringComparer.Ordinal);
            var yaml = Yaml(name, Path.GetFileNameWithoutExtension(target), body.Type, fromEnvironment.Count == 0 ? settings : settings.Concat(fromEnvironment).ToDictionary(StringComparer.Ordinal), secretKeys);

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{name}.{Guid.NewGuid():N}.tmp");
            await File.WriteAllTextAsync(temporary, yaml, new UTF8Encoding(false), context.RequestAborted).ConfigureAwait(false);
            try
            {
                var fresh = secrets.ToDictionary(s => SecretReferences.ConnectionSecret(name, s.Key), s => s.Value, StringComparer.Ordinal);
                var lookup = SecretReferences.Lookup(n => fresh.TryGetValue(n, out var value) ? value : stored.Find(n));
                if (await ValidateAsync(server, temporary, display, name, type, lookup, secrets.Values).ConfigureAwait(false) is { } invalid)
                {
                    return invalid;
                }

                var box = SecretBox.Load(root);
                var now = server.Time.GetUtcNow();
                foreach (var (key, value) in fresh)
                {
                    await server.Store.PutSecretAsync(key, box.Seal(key, value), now, context.RequestAborted).ConfigureAwait(false);
                }

                foreach (var dropped in stored.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !secretKeys.Contains(n[prefix.Length..], StringComparer.Ordinal)))
                {
                    await server.Store.DeleteSecretAsync(dropped, context.RequestAborted).ConfigureAwait(false);
                }

                // The rename is atomic: readers see the old file or the new one, never half of one.
                File.Move(temporary, target, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            var project = await server.ReloadProjectAsync(CancellationToken.None).ConfigureAwait(false);
            server.Discoveries.Forget(name);
            server.Audit.Record(context, existing is null ? "connection.create" : "connection.update", name, "allowed",
                $"{body.Type}; settings: {string.Join(", ", settings.Keys.Order(StringComparer.Ordinal))}; secrets set: {string.Join(", ", secrets.Keys.Order(StringComparer.Ordinal))}; secrets kept: {string.Join(", ", kept)}");
            context.Response.Headers.ETag = await ETagAsync(target, CancellationToken.None).ConfigureAwait(false);
            var view = project.Connections.TryGetValue(name, out var connection) ? View(server, connection) : BrokenViews(server).First(v => v.Name == name);
            return TypedResults.Json(view, ApiJson.Options, statusCode: existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        }
        finally
        {
            server.ProjectWrites.Release();
        }
    }

    private static async Task<IResult> DeleteAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (NameProblem(name) is { } badName)
        {
            return badName;
        }

        await server.ProjectWrites.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (FileOf(server, name) is not { } file)
            {
                return Problems.NotFound($"No connection '{name}'.");
            }

            if (context.Request.Headers.IfMatch.Count > 0 && await PreconditionAsync(context, file).ConfigureAwait(false) is { } precondition)
            {
                return precondition;
            }

            var users = server.Project.Syncs.Values.Where(s => s.Source == name || s.Destination == name).Select(s => s.Name).ToList();
            if (users.Count > 0)
            {
                return Problems.Conflict($"Connection '{name}' is used by the sync(s) {string.Join(", ", users)}; change or delete them first.");
            }

            File.Delete(file);
            var prefix = SecretReferences.ConnectionPrefix(name);
            foreach (var secret in (await server.Store.ListSecretNamesAsync(context.RequestAborted).ConfigureAwait(false)).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                await server.Store.DeleteSecretAsync(secret, CancellationToken.None).ConfigureAwait(false);
            }

            await server.ReloadProjectAsync(CancellationToken.None).ConfigureAwait(false);
            server.Discoveries.Forget(name);
            server.Audit.Record(context, "connection.delete", name, "allowed", Path.GetRelativePath(server.Project.Root, file));
            return TypedResults.NoContent();
        }
        finally
        {
            server.ProjectWrites.Release();
        }
    }

    private static async Task<IResult> TestAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (Usable(server, name) is { } unusable)
        {
            return unusable;
        }

        var project = server.Project;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TestTimeout);
        ConnectionTest result;
        try
        {
            var report = await ConnectionProbe.TestAsync(server.Pipelines.Registry, project, name, server.Time, timeout.Token).ConfigureAwait(false);
            result = new ConnectionTest(true, null, report.Type, report.Elapsed.TotalSeconds, report.Result.ServerVersion);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            result = new ConnectionTest(false, $"No answer within {TestTimeout.TotalSeconds:0} s.", project.Connections.GetValueOrDefault(name)?.Type, null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Whatever the driver says (it may echo a host, a user, a connection string) goes out without the secrets.
            result = new ConnectionTest(false, Scrub(project, name, e.Message), project.Connections.GetValueOrDefault(name)?.Type, null, null);
        }

        server.Audit.Record(context, "connection.test", name, result.Ok ? "ok" : "failed", result.Error);
        return TypedResults.Json(result, ApiJson.Options);
    }

    private static async Task<IResult> StreamsAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (Usable(server, name) is { } unusable)
        {
            return unusable;
        }

        var (limit, badLimit) = NagareApi.Limit(context, 200, 1000);
        if (badLimit is not null)
        {
            return badLimit;
        }

        var select = context.Request.Query["select"].ToString() is { Length: > 0 } glob ? glob : null;
        var after = context.Request.Query["after"].ToString();
        var project = server.Project;
        IReadOnlyList<StreamSchema> streams;
        try
        {
            // The first page discovers anew; the pages after it read the same listing.
            streams = await server.Discoveries.GetAsync(name, select, fresh: after.Length == 0, () => ConnectionProbe.DiscoverAsync(server.Pipelines.Registry, project, name, select, server.Time, context.RequestAborted)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            return Problems.Of(StatusCodes.Status502BadGateway, "Connection failed", Scrub(project, name, e.Message));
        }

        var page = streams.Where(s => after.Length == 0 || string.CompareOrdinal(s.Id.ToString(), after) > 0).Take(limit + 1).ToList();
        var items = page.Take(limit).Select(s => new StreamView(
            s.Id.ToString(),
            s.Id.Namespace ?? string.Empty,
            s.Id.Name,
            [.. s.Columns.Select(c => new StreamColumn(c.Name, c.Type.ToString(), c.Nullable, c.NativeType))],
            s.PrimaryKey.IsDefault ? [] : [.. s.PrimaryKey],
            s.CursorCandidates.IsDefault ? [] : [.. s.CursorCandidates],
            s.EstimatedRows)).ToList();
        return TypedResults.Json(new StreamPage(items, page.Count > limit ? items[^1].Stream : null), ApiJson.Options);
    }

    private static async Task<IResult> SampleAsync(HttpContext context)
    {
        var server = HealthApi.Server(context);
        var name = NagareApi.Route(context, "name");
        if (Usable(server, name) is { } unusable)
        {
            return unusable;
        }

        // The one character the router leaves encoded in a path segment; stream ids of files may hold it.
        var stream = NagareApi.Route(context, "stream").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        if (stream.Length == 0)
        {
            return Problems.BadRequest("Name the stream to sample, e.g. public.users.", "stream");
        }

        var (limit, badLimit) = NagareApi.Limit(context, SampleRows, MaxSampleRows);
        if (badLimit is not null)
        {
            return badLimit;
        }

        var project = server.Project;
        StreamSample? sample;
        try
        {
            sample = await ConnectionProbe.SampleAsync(server.Pipelines.Registry, project, name, stream, limit, server.Time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            var error = Scrub(project, name, e.Message);
            server.Audit.Record(context, "connection.sample", $"{name} {Clip(stream)}", "failed", error);
            return Problems.Of(StatusCodes.Status502BadGateway, "Connection failed", error);
        }

        if (sample is null)
        {
            server.Audit.Record(context, "connection.sample", $"{name} {Clip(stream)}", "failed", "no such stream");
            return Problems.NotFound($"Connection '{name}' has no stream '{Clip(stream)}' (streams are named as discovery lists them, e.g. public.users).");
        }

        // Who looked at which stream, never what they saw.
        server.Audit.Record(context, "connection.sample", $"{name} {stream}", "allowed", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sample.Rows.Count} row(s)"));
        return TypedResults.Json(new StreamSampleView(sample.Stream.Id.ToString(), sample.Columns, sample.Rows), ApiJson.Options);
    }

    /// <summary>Null when connection <paramref name="name"/> exists, can be opened and is not the built-in warehouse; else the answer saying why not.</summary>
    private static IResult? Usable(ServerContext server, string name)
    {
        if (NameProblem(name) is { } bad)
        {
            return bad;
        }

        if (name == ProjectConfig.WarehouseConnection)
        {
            return Problems.Conflict("'warehouse' is the server's own warehouse; see it through /api/v1/datasets.");
        }

        if (server.Project.Broken.FirstOrDefault(b => b.Kind == "connection" && b.Name == name) is { } broken)
        {
            return Problems.Conflict($"Connection '{name}' cannot be used: {Redaction.Redact(broken.Problem.Message)}");
        }

        return server.Project.Connections.ContainsKey(name) ? null : Problems.NotFound($"No connection '{name}'.");
    }

    /// <summary>Writes the file to its temporary place and reads it as the loader will; a problem names the request field at fault.</summary>
    private static async Task<IResult?> ValidateAsync(ServerContext server, string file, string display, string name, ConnectorType type, Func<string, string?> lookup, IEnumerable<string> secretValues)
    {
        try
        {
            var config = ProjectLoader.ReadConnectionFile(file, display, name, server.Project.Defaults, server.Pipelines.Registry, lookup);
            // The connector's own checks (durations, encodings, numbers) run when it is created, before anything is opened.
            await server.Pipelines.Registry.Create(config, new ConnectorContext(server.Project.Root, server.Time)).DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch (ConfigException e)
        {
            var key = e.Key?.Split('.', '[')[0];
            var field = key == "type" ? "$.type"
                : key is null || !(type.Keys.Contains(key) || key == MaxConcurrencyKey) ? "$"
                : type.SecretKeys.Contains(key) ? $"$.secrets.{key}" : $"$.settings.{key}";
            var message = secretValues.Where(v => v.Length > 0).Aggregate(e.Message, (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal));
            return Problems.BadRequest(Redaction.Redact(message), field);
        }
    }

    /// <summary>The settings and secrets of a body checked against the connector type, before anything is written.</summary>
    private static IResult? BodyProblem(ConnectorType type, IReadOnlyDictionary<string, JsonElement> settings, IReadOnlyDictionary<string, string> secrets)
    {
        var known = type.Keys.Append(MaxConcurrencyKey).ToList();
        foreach (var (key, value) in settings)
        {
            var field = $"$.settings.{key}";
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                return Problems.BadRequest($"A {type.Name} connection has no key '{key}'{Suggest(key, known)}. Known keys: {string.Join(", ", known.Order(StringComparer.Ordinal))}.", field);
            }

            if (type.SecretKeys.Contains(key))
            {
                return Problems.BadRequest($"'{key}' is a secret: send it in \"secrets\", so that it is stored sealed rather than written in the file.", field);
            }

            if (ValueProblem(value) is { } problem)
            {
                return Problems.BadRequest(problem, field);
            }
        }

        foreach (var (key, value) in secrets)
        {
            var field = $"$.secrets.{key}";
            if (!type.Keys.Contains(key))
            {
                return Problems.BadRequest($"A {type.Name} connection has no key '{key}'{Suggest(key, type.Keys)}. Known keys: {string.Join(", ", type.Keys.Order(StringComparer.Ordinal))}.", field);
            }

            if (settings.ContainsKey(key))
            {
                return Problems.BadRequest($"'{key}' is given both in settings and in secrets; give it once.", field);
            }

            if (string.IsNullOrEmpty(value))
            {
                return Problems.BadRequest($"The secret '{key}' is empty; leave it out to keep the stored value.", field);
            }
        }

        return null;
    }

    private static string? ValueProblem(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                // A reference would be resolved on the server: ${ENV} could read its environment (the secret key
                // among it) into a field everybody may see, ${secret:…} another connection's secret.
                return value.GetString()!.Contains("${", StringComparison.Ordinal)
                    ? "references (${…}) are not taken through the API: send secret values in \"secrets\"; write ${ENV} references in the file itself"
                    : null;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                return null;
            case JsonValueKind.Array:
                return value.EnumerateArray().Select(Scalar).FirstOrDefault(p => p is not null);
            case JsonValueKind.Object:
                return value.EnumerateObject().Select(p => p.Name.Contains("${", StringComparison.Ordinal) ? "keys may not hold references (${…})" : Scalar(p.Value)).FirstOrDefault(p => p is not null);
            default:
                return "expected text, a number, a boolean, a list or a mapping of such values";
        }

        static string? Scalar(JsonElement item) =>
            item.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? ValueProblem(item) : "lists and mappings hold text, numbers or booleans only";
    }

    /// <summary>The connection file: JSON-quoted text (valid YAML, nothing in it can start a tag, anchor or reference), secret fields as references.</summary>
    private static string Yaml(string name, string fileStem, string type, IReadOnlyDictionary<string, JsonElement> settings, IReadOnlyList<string> secretKeys)
    {
        var yaml = new StringBuilder();
        yaml.Append("# Written by the Nagare API; secret values are sealed in the metadata store.\n");
        if (fileStem != name)
        {
            yaml.Append("name: ").Append(Quote(name)).Append('\n');
        }

        yaml.Append("type: ").Append(Quote(type)).Append('\n');
        foreach (var (key, value) in settings.OrderBy(s => s.Key == MaxConcurrencyKey ? 0 : 1).ThenBy(s => s.Key, StringComparer.Ordinal))
        {
            yaml.Append(key).Append(": ").Append(Value(value)).Append('\n');
        }

        foreach (var key in secretKeys)
        {
            yaml.Append(key).Append(": ").Append(Quote(SecretReferences.Reference(SecretReferences.ConnectionSecret(name, key)))).Append('\n');
        }

        return yaml.ToString();

        static string Value(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => Quote(value.GetString()!),
            JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Value)) + "]",
            JsonValueKind.Object => "{" + string.Join(", ", value.EnumerateObject().Select(p => Quote(p.Name) + ": " + Value(p.Value))) + "}",
            _ => value.GetRawText(),
        };
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static async Task<IResult?> PreconditionAsync(HttpContext context, string? file)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (file is null)
        {
            return ifMatch.Length > 0 && ifMatch.Trim() != "*"
                ? Problems.PreconditionFailed("The connection does not exist (any more); create it without If-Match.")
                : null;
        }

        if (ifNoneMatch.Trim() == "*")
        {
            return Problems.PreconditionFailed("The connection exists already (If-None-Match: * creates only).");
        }

        if (ifMatch.Length == 0)
        {
            return Problems.PreconditionRequired("Send If-Match with the ETag of the version you changed (from the GET), so that another person's change is not overwritten.");
        }

        var current = await ETagAsync(file, context.RequestAborted).ConfigureAwait(false);
        return ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == current || t == "W/" + current)
            ? null
            : Problems.PreconditionFailed($"The connection's file changed since the version {ifMatch}; GET it again and redo the change.");
    }

    /// <summary>The ETag of a file: a hash of its bytes, so a change by hand counts as much as one through the API.</summary>
    private static async Task<string> ETagAsync(string file, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"";
    }

    /// <summary>The file defining connection <paramref name="name"/>, or null when there is none.</summary>
    private static string? FileOf(ServerContext server, string name)
    {
        var project = server.Project;
        var folder = Path.Combine(project.Root, "connections");
        foreach (var extension in new[] { ".yml", ".yaml" })
        {
            var candidate = Path.Combine(folder, name + extension);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // A file named otherwise whose name: says this name.
        var written = project.Connections.TryGetValue(name, out var connection) && name != ProjectConfig.WarehouseConnection ? connection.Location.File
            : project.Broken.FirstOrDefault(b => b.Kind == "connection" && b.Name == name)?.File;
        return written is null ? null : Path.Combine(folder, Path.GetFileName(written)) is var file && File.Exists(file) ? file : null;
    }

    private static ConnectionView View(ServerContext server, ConnectionConfig connection)
    {
        var type = server.Pipelines.Registry.Find(connection.Type);
        var secretKeys = type?.SecretKeys ?? [];
        var settings = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, setting) in connection.Settings)
        {
            // A plain setting written by hand may still hold a URL with a password in it: shown redacted. A value
            // written as an ${ENV} reference is shown as written: the environment's value is the server's, and a
            // form that sends the setting back keeps the reference.
            settings[key] = setting.Secret is not null || secretKeys.Contains(key) ? SecretField(set: true, setting.Reference)
                : setting.Reference is { } reference ? JsonValue.Create(reference)
                : !setting.Items.IsDefaultOrEmpty ? new JsonArray([.. setting.Items.Select(i => (JsonNode?)JsonValue.Create(i))])
                : setting.Entries is { } entries ? new JsonObject(entries.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value))))
                : JsonValue.Create(setting.Text is null ? null : Redaction.Redact(setting.Text));
        }

        foreach (var key in secretKeys.Where(k => !settings.ContainsKey(k)))
        {
            settings[key] = SecretField(set: false);
        }

        var builtin = connection.Name == ProjectConfig.WarehouseConnection;
        var file = builtin ? ProjectConfig.FileName : FileOf(server, connection.Name) is { } path ? Path.GetRelativePath(server.Project.Root, path) : Path.GetFileName(connection.Location.File);
        return new ConnectionView(connection.Name, connection.Type, connection.MaxConcurrency, settings, file, builtin, null);
    }

    private static IEnumerable<ConnectionView> BrokenViews(ServerContext server) =>
        server.Project.Broken.Where(b => b.Kind == "connection").Select(b => new ConnectionView(
            b.Name, "?", null, ImmutableSortedDictionary<string, JsonNode?>.Empty, Path.Join("connections", Path.GetFileName(b.File)), false, Redaction.Redact(b.Problem.Message)));

    private static JsonObject SecretField(bool set, string? reference = null) => reference is null
        ? new() { ["secret"] = true, ["set"] = set }
        : new() { ["secret"] = true, ["set"] = set, ["reference"] = reference };

    /// <summary>The values of connection <paramref name="name"/> written as <c>${ENV}</c> references, as written.</summary>
    private static Dictionary<string, string> References(ServerContext server, string name) =>
        server.Project.Connections.TryGetValue(name, out var connection)
            ? connection.Settings.Values.Where(s => s.Reference is not null).ToDictionary(s => s.Key, s => s.Reference!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><paramref name="text"/> without the secrets of connection <paramref name="name"/> or anything that looks like one.</summary>
    private static string Scrub(ProjectConfig project, string name, string text)
    {
        if (project.Connections.TryGetValue(name, out var connection))
        {
            foreach (var secret in connection.Settings.Values.Select(s => s.Secret?.Reveal()).OfType<string>().Where(s => s.Length > 0))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return Redaction.Redact(text);
    }

    private static IResult? NameProblem(string name) =>
        ConnectionName().IsMatch(name) ? null
            : Problems.BadRequest($"'{Clip(name)}' is not a connection name: use 1 to 64 letters, digits, _ and -.", "name");

    private static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;

    private static string Suggest(string text, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Candidate: c, Distance: Distance(text.ToLowerInvariant(), c.ToLowerInvariant()))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, text.Length / 3) ? $" (did you mean '{best.Candidate}'?)" : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ConnectionName();
}
