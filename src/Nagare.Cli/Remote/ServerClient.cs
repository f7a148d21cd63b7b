using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nagare.Core;
using Nagare.Server;

namespace Nagare.Cli.Remote;

/// <summary>
/// The command line's way into a running server: the one announced in the project's <c>.nagare/server.json</c>
/// (same machine, its local key), or one named by <c>--server URL</c> with an API token from <c>NAGARE_TOKEN</c>.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    /// <summary>The environment variable holding the API token for <c>--server</c>.</summary>
    public const string TokenVariable = "NAGARE_TOKEN";

    private readonly HttpClient http;

    private ServerClient(Uri address, string token)
    {
        Address = address;
        http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The server's address.</summary>
    public Uri Address { get; }

    /// <summary>
    /// The server to use: <paramref name="url"/> when given (with the token from <c>NAGARE_TOKEN</c>), else the one
    /// announced in <paramref name="projectRoot"/>, else null (the command works alone).
    /// </summary>
    public static ServerClient? Find(string? url, string projectRoot)
    {
        if (url is not null)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                throw new NagareException($"--server '{url}' is not an http:// or https:// URL, e.g. --server http://127.0.0.1:8181.");
            }

            var token = Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(token))
            {
                throw new NagareException($"--server needs an API token in {TokenVariable}.") { Hint = "Create one with POST /api/v1/tokens (or in the web UI), then: export NAGARE_TOKEN=ngr_…" };
            }

            return new ServerClient(address, token.Trim());
        }

        return ServerFile.Read(projectRoot) is { } file ? new ServerClient(new Uri(file.Url), file.Key) : null;
    }

    /// <summary>Runs <paramref name="sql"/> on the server's warehouse; the result's rows as a reader.</summary>
    public async Task<DbDataReader> QueryAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { sql, limit, timeout_seconds = 3600 }), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => http.PostAsync("api/v1/query", content, cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
        return new RemoteResultReader(document);
    }

    /// <summary>Starts a run through <paramref name="path"/> (an API route that answers with the run) and returns its id.</summary>
    public async Task<long> StartAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => http.PostAsync(path, content, cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>Follows run <paramref name="runId"/>'s log lines as the server sends them until it ends; returns its final state.</summary>
    public async Task<string> FollowAsync(long runId, Func<string, Task> line, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/runs/{runId}/logs");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await SendAsync(() => http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var kind = string.Empty;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
        {
            if (text.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = text["event: ".Length..];
            }
            else if (text.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var data = JsonDocument.Parse(text["data: ".Length..]);
                if (kind == "end")
                {
                    return data.RootElement.GetProperty("state").GetString() ?? "unknown";
                }

                await line(data.RootElement.GetProperty("line").GetString() ?? string.Empty).ConfigureAwait(false);
            }
        }

        throw new NagareException($"The server at {Address} stopped sending run {runId}'s log before it ended; follow it with: nagare runs show {runId}");
    }

    /// <summary>
    /// Runs through the server what would open the warehouse here: starts the run at <paramref name="path"/>, prints its
    /// log lines as they come, and exits 0 when it succeeded, 1 when not.
    /// </summary>
    public async Task<int> RunAsync(string what, string path, object body, CliContext context, CancellationToken cancellationToken)
    {
        var id = await StartAsync(path, body, cancellationToken).ConfigureAwait(false);
        await context.Error.WriteLineAsync($"{what}: the server at {Address} owns the warehouse; it runs this as run {id}").ConfigureAwait(false);
        var state = await FollowAsync(id, l => context.Out.WriteLineAsync(l), cancellationToken).ConfigureAwait(false);
        await context.Out.WriteLineAsync($"run {id}: {state}").ConfigureAwait(false);
        return state == "succeeded" ? ExitCodes.Success : ExitCodes.UserError;
    }

    /// <summary>The JSON answer of GET <paramref name="path"/>.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => http.GetAsync(path, cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>DELETE <paramref name="path"/>.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => http.DeleteAsync(path, cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The project's files on the server, by path, with the SHA-256 of each.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListFilesAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => http.GetAsync("api/v1/project/files", cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!, StringComparer.Ordinal);
    }

    /// <summary>A project file's bytes on the server.</summary>
    public async Task<byte[]> GetFileAsync(string path, CancellationToken cancellationToken)
    {
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        using var response = await SendAsync(() => http.GetAsync($"api/v1/project/files/{escaped}", cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies file changes on the server, all or nothing; the server refuses when a file changed since <paramref name="planned"/>.</summary>
    public async Task ApplyAsync(IReadOnlyDictionary<string, string> files, IReadOnlyList<string> delete, IReadOnlyDictionary<string, string> planned, CancellationToken cancellationToken)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { files, delete, @base = planned }), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => http.PostAsync("api/v1/project/apply", content, cancellationToken)).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NagareException($"Cannot reach the server at {Address}: {e.Message}") { Hint = "Is `nagare serve` running? Without a server, remove .nagare/server.json or pass --db to open the warehouse file directly." };
        }
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? detail = null;
        try
        {
            detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Not a problem document: say the status.
        }

        throw new NagareException(response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"The server refused the credentials: {detail ?? "not signed in"}",
            HttpStatusCode.Forbidden => $"Refused by the server: {detail}",
            _ => detail ?? $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.",
        });
    }
}
