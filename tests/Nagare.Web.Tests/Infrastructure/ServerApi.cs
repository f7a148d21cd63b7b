using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Nagare.Web.Tests.Infrastructure;

/// <summary>
/// The served project's REST API, called with the local key from <c>.nagare/server.json</c> (an admin): how tests set
/// up users, roles and project objects quickly, and check what the UI did, without going through the pages.
/// </summary>
public sealed class ServerApi : IDisposable
{
    /// <summary>Bodies are written as the API reads them: <c>new { NewPassword = "…" }</c> goes out as <c>new_password</c>.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient http;

    public ServerApi(Uri baseUrl, string localKey)
    {
        http = new HttpClient { BaseAddress = new Uri(baseUrl, "api/v1/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", localKey);
    }

    /// <summary>Sends a request to <c>/api/v1/PATH</c> and returns the answer, whatever its status.</summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiAnswer(response.StatusCode, json, response.Headers.ETag?.ToString());
    }

    /// <summary>Sends a request to <c>/api/v1/PATH</c> and returns its JSON body; fails with the API's problem unless the status is 2xx.</summary>
    public async Task<JsonElement> CallAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null)
    {
        var answer = await SendAsync(method, path, body, ifMatch);
        return answer.IsSuccess
            ? answer.Body
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{method} /api/v1/{path} answered {(int)answer.Status}: {answer.Body}"));
    }

    /// <summary>
    /// Creates a user with <paramref name="role"/> and a new random password that is already the user's own (see
    /// <see cref="KeepPasswordAsync"/>), so signing in leads to the pages; returns the password.
    /// </summary>
    public async Task<string> CreateUserAsync(string name, string role)
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        await CallAsync(HttpMethod.Post, "users", new { Name = name, Role = role, Password = password });
        await KeepPasswordAsync(name, password);
        return password;
    }

    /// <summary>
    /// Signs in as <paramref name="name"/> and sets <paramref name="password"/> again as the user's own. A password an
    /// admin chose (or the first admin's printed one) must be replaced by its user before any page opens; tests that
    /// are not about that first sign-in start past it.
    /// </summary>
    public async Task KeepPasswordAsync(string name, string password)
    {
        using var session = new HttpClient(new HttpClientHandler { CookieContainer = new(), UseCookies = true })
        {
            BaseAddress = http.BaseAddress,
            Timeout = http.Timeout,
        };
        using var signIn = await session.PostAsJsonAsync("session", new { Name = name, Password = password }, Json);
        var answer = await signIn.Content.ReadAsStringAsync();
        if (!signIn.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"signing in as {name} answered {(int)signIn.StatusCode}: {answer}"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, "session/password")
        {
            Content = JsonContent.Create(new { CurrentPassword = password, NewPassword = password }, options: Json),
        };
        // A change from a browser session carries the anti-forgery token the sign-in gave.
        request.Headers.Add("X-CSRF-Token", JsonDocument.Parse(answer).RootElement.GetProperty("csrf_token").GetString());
        using var change = await session.SendAsync(request);
        if (!change.IsSuccessStatusCode)
        {
            var refusal = await change.Content.ReadAsStringAsync();
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"keeping the password of {name} answered {(int)change.StatusCode}: {refusal}"));
        }
    }

    /// <summary>Creates a role of <paramref name="level"/> (viewer, analyst, editor, admin) with dataset grants (pattern → none, read, write, admin).</summary>
    public Task<JsonElement> CreateRoleAsync(string name, string level, params (string Pattern, string Privilege)[] grants) =>
        CallAsync(HttpMethod.Post, "roles", new { Name = name, Level = level, Grants = grants.Select(g => new { g.Pattern, g.Privilege }).ToArray() });

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>, by default 90 seconds) until run <paramref name="id"/> is in a final
    /// state, and returns it with its steps, tasks and attempts (<c>GET /runs/{id}</c>).
    /// </summary>
    public async Task<JsonElement> WaitForRunAsync(long id, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        var path = string.Create(CultureInfo.InvariantCulture, $"runs/{id}");
        var last = default(JsonElement);
        while (!limit.IsCancellationRequested)
        {
            last = await CallAsync(HttpMethod.Get, path);
            if (last.GetProperty("run").GetProperty("state").GetString() is "succeeded" or "failed" or "cancelled" or "skipped" or "upstream_failed")
            {
                return last;
            }

            try
            {
                await Task.Delay(250, limit.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"run {id} did not finish in time; last seen: {last}"));
    }

    public void Dispose() => http.Dispose();
}
