using System.Text.Json;
using Nagare.Testing;

namespace Nagare.Cli.Tests;

/// <summary><c>nagare activate</c> into an HTTP API: rejected records in the summary (never a secret), then <c>--retry-rejected</c>.</summary>
public sealed class ActivateHttpCommandTests : IAsyncLifetime, IDisposable
{
    private const string Token = "cli-t0ken-never-shown";

    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-activate-http-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string variable = "NAGARE_TEST_TOKEN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private FakeApi api = null!;

    public async Task InitializeAsync()
    {
        api = await FakeApi.StartAsync();
        Environment.SetEnvironmentVariable(variable, Token);
        Write("nagare.yml", "name: activating\n");
        Write("activations/contacts.yml", $$"""
            query: select * from (values (1, 'a@example.com'), (2, 'b@example.com'), (3, 'c@example.com')) t(id, email)
            destination:
              type: http
              url: "{{api.Url}}/contacts/{{"{{ record.id }}"}}"
              key: [id]
              auth: { type: bearer, token: "${{{variable}}}" }
            """);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(variable, null);
        await api.DisposeAsync();
    }

    [Fact]
    public async Task Activate_Http_ShowsRejectedRecordsWithoutSecrets_AndRetryRejectedClearsThem()
    {
        // The API quotes the credentials in its error, as some do.
        api.Answer = r => r.Path == "/contacts/2" ? (400, JsonSerializer.Serialize(new { error = "invalid email", auth = r.Header("Authorization") }), null) : (200, "{}", null);

        var dry = await CliRun.RunAsync("activate", "contacts", "--project", dir, "--dry-run");
        Assert.Empty(api.Requests);
        var table = await CliRun.RunAsync("activate", "contacts", "--project", dir);

        Assert.Contains("/contacts/1", dry.Out, StringComparison.Ordinal);
        Assert.True(table.ExitCode == 0, table.Out + table.Error);
        Assert.Contains("rejected records", table.Out, StringComparison.Ordinal);
        Assert.Contains("id=2", table.Out, StringComparison.Ordinal);
        Assert.Contains("invalid email", table.Out, StringComparison.Ordinal);
        Assert.Equal(3, api.Requests.Count);

        api.Answer = _ => (200, "{}", null);
        var retry = await CliRun.RunAsync("activate", "contacts", "--project", dir, "--retry-rejected", "--json");

        Assert.True(retry.ExitCode == 0, retry.Out + retry.Error);
        using var json = JsonDocument.Parse(retry.Out);
        Assert.Equal((1, 0, 1), (json.RootElement.GetProperty("inserted").GetInt32(), json.RootElement.GetProperty("rejected").GetInt32(), json.RootElement.GetProperty("requests").GetInt32()));
        Assert.Equal("/contacts/2", api.Requests[^1].Path);
        Assert.DoesNotContain(Token, dry.Out + dry.Error + table.Out + table.Error + retry.Out + retry.Error, StringComparison.Ordinal);
        Assert.Equal("Bearer " + Token, api.Requests[0].Header("Authorization"));
    }

    [Fact]
    public async Task Activate_Http_JsonListsTheRejectedRecords()
    {
        api.Answer = r => r.Path == "/contacts/3" ? (422, """{"error":"unknown"}""", null) : (200, "{}", null);

        var run = await CliRun.RunAsync("activate", "contacts", "--project", dir, "--json");

        using var json = JsonDocument.Parse(run.Out);
        var rejected = Assert.Single(json.RootElement.GetProperty("rejected_records").EnumerateArray());
        Assert.Equal(("id=3", 422, "insert"), (rejected.GetProperty("key").GetString(), rejected.GetProperty("status").GetInt32(), rejected.GetProperty("operation").GetString()));
        Assert.Equal(2, json.RootElement.GetProperty("inserted").GetInt32());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a native library; the temporary folder is cleaned later.
        }
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
