using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nagare.Bench.Web;

/// <summary>
/// <c>nagare serve</c> as a separate process on 127.0.0.1 (a free port) for one project folder, with a signed-in
/// admin session: the first start prints the admin's password, which is changed once through the session API so
/// the web UI opens its pages instead of asking for a new password.
/// </summary>
internal sealed partial class ServedNagare : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly CookieContainer cookies = new();

    private ServedNagare(Process process)
    {
        this.process = process;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>An HTTP client carrying the admin's session cookie.</summary>
    public HttpClient Http { get; }

    /// <summary>The session cookie, for a browser context.</summary>
    public Cookie SessionCookie { get; private set; } = null!;

    /// <summary>Starts the server (at most <paramref name="timeout"/>) and signs in as <c>admin</c>.</summary>
    public static async Task<ServedNagare> StartAsync(string cli, string webRoot, string project, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { cli, "serve", "--listen", "127.0.0.1:0", "--slots", "2", "--project", project, "--web", webRoot })
        {
            start.ArgumentList.Add(arg);
        }

        // The caller's own server, token or web root settings would point the process elsewhere.
        start.Environment.Remove("NAGARE_STORE");
        start.Environment.Remove("NAGARE_TOKEN");
        start.Environment.Remove("NAGARE_WEB_ROOT");
        var process = new Process { StartInfo = start };
        var served = new ServedNagare(process);
        process.OutputDataReceived += (_, e) => served.Append(e.Data);
        process.ErrorDataReceived += (_, e) => served.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = await served.WaitForOutputAsync(ApiAddress(), timeout);
            served.BaseUrl = new Uri(url.Groups[1].Value.TrimEnd('/') + "/");
            var password = (await served.WaitForOutputAsync(AdminPassword(), TimeSpan.FromSeconds(5))).Groups[1].Value;
            await served.SignInAsync(password);
            return served;
        }
        catch
        {
            await served.DisposeAsync();
            throw;
        }
    }

    /// <summary>Times one GET of <c>/api/v1/PATH</c> (the whole answer read) in milliseconds.</summary>
    public async Task<double> TimeGetAsync(string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await Http.GetAsync(new Uri(BaseUrl, "api/v1/" + path), HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadAsByteArrayAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            // SIGTERM as Ctrl+C: the server closes the warehouse and removes .nagare/server.json.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    private async Task SignInAsync(string password)
    {
        var session = await PostSessionAsync(password);
        if (session.GetProperty("password_change_required").GetBoolean())
        {
            var newPassword = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            using var change = new HttpRequestMessage(HttpMethod.Put, new Uri(BaseUrl, "api/v1/session/password"))
            {
                Content = JsonContent.Create(new Dictionary<string, string> { ["current_password"] = password, ["new_password"] = newPassword }),
            };
            change.Headers.Add("X-CSRF-Token", session.GetProperty("csrf_token").GetString());
            using var changed = await Http.SendAsync(change);
            changed.EnsureSuccessStatusCode();
            await PostSessionAsync(newPassword);
        }

        SessionCookie = cookies.GetCookies(BaseUrl).FirstOrDefault(c => c.Name == "nagare_session")
            ?? throw new InvalidOperationException("the sign-in set no nagare_session cookie");
    }

    private async Task<JsonElement> PostSessionAsync(string password)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(BaseUrl, "api/v1/session"), new Dictionary<string, string> { ["name"] = "admin", ["password"] = password });
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new InvalidOperationException($"POST /api/v1/session answered {(int)response.StatusCode}: {text}");
    }

    private async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            var match = pattern.Match(text);
            if (match.Success)
            {
                return match;
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"nagare serve exited with code {process.ExitCode}:\n{text}");
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"nagare serve did not print /{pattern}/ within {timeout}:\n{text}");
            }

            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    [GeneratedRegex(@"API at (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ApiAddress();

    [GeneratedRegex(@"created the user 'admin' with the password (\S+) ")]
    private static partial Regex AdminPassword();
}
