using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nagare.Runtime.Access;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Server.Tests;

/// <summary>
/// A real server on a free loopback port over a project in a temporary folder: a warehouse with a granted dataset
/// (mart_sales) and a secret one (dwh_secret), a SQLite metadata store, one user and one API token per built-in role,
/// and every answer and log line kept so tests can scan them for secrets.
/// </summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public static readonly string[] Roles = ["viewer", "analyst", "editor", "admin"];

    /// <summary>The password of every test user but the first admin.</summary>
    public const string UserPassword = "the users' long password";

    private static readonly Lazy<string> UserPasswordHash = new(() => Passwords.Hash(UserPassword));

    private readonly ConcurrentBag<HttpClient> clients = [];

    private ServerHarness(string root, NagareServer server, PipelineService service, string adminPassword, ConcurrentQueue<string> log)
    {
        Log = log;
        Root = root;
        Server = server;
        Service = service;
        AdminPassword = adminPassword;
    }

    public string Root { get; }

    public NagareServer Server { get; }

    public PipelineService Service { get; }

    /// <summary>The first admin's password, as the server said it once.</summary>
    public string AdminPassword { get; }

    /// <summary>Every line the server logged.</summary>
    public ConcurrentQueue<string> Log { get; }

    /// <summary>Every answer's body, as text.</summary>
    public ConcurrentQueue<string> Answers { get; } = new();

    /// <summary>Passwords and token secrets the tests made (to look for where they must not be).</summary>
    public ConcurrentBag<string> Secrets { get; } = [];

    /// <summary>API tokens by role name.</summary>
    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    public static async Task<ServerHarness> StartAsync(Action<string>? project = null, Func<ServerOptions, ServerOptions>? configure = null, string? trustedThumbprint = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "nagare-server-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(root, "pipelines"));
        File.WriteAllText(Path.Combine(root, "nagare.yml"), "name: served\n");
        File.WriteAllText(Path.Combine(root, "pipelines", "hello.yml"), """
            name: hello
            params:
              who: { type: string, default: world }
            steps:
              - name: say
                command: [sh, -c, "echo hello {{ params.who }}; echo second line"]

            """);
        project?.Invoke(root);
        // As nagare serve reads it: a file with problems blocks only itself.
        var config = ProjectLoader.Read(root);
        Directory.CreateDirectory(Path.GetDirectoryName(config.WarehousePath)!);
        using (var warehouse = Warehouse.Open(config.WarehousePath))
        {
            warehouse.ExecuteNonQuery("""
                CREATE SCHEMA mart_sales; CREATE SCHEMA dwh_secret;
                CREATE TABLE mart_sales.orders AS SELECT * FROM (VALUES (1, 'tokyo', 100), (2, 'osaka', 250), (3, 'tokyo', 50)) t(id, region, amount);
                CREATE TABLE dwh_secret.customers AS SELECT * FROM (VALUES (1, 'hanako@example.com', 'card-4242')) t(id, email, card);
                CREATE VIEW mart_sales.leak AS SELECT * FROM dwh_secret.customers;
                """);
        }

        var log = new ConcurrentQueue<string>();
        var service = new PipelineService(config, MetadataStore.Open(null, root), ConnectorRegistry.Default, TimeProvider.System);
        var options = new ServerOptions { Pipelines = service, Listen = "127.0.0.1:0", Log = log.Enqueue };
        var server = await NagareServer.StartAsync(configure?.Invoke(options) ?? options, CancellationToken.None);
        var announced = log.Single(l => l.Contains("with the password", StringComparison.Ordinal));
        var password = announced.Split("with the password ")[1].Split(' ')[0];
        var harness = new ServerHarness(root, server, service, password, log) { TrustedThumbprint = trustedThumbprint };
        harness.Secrets.Add(password);
        harness.Secrets.Add(UserPassword);
        await harness.SetUpRolesAsync();
        return harness;
    }

    /// <summary>A client acting as a new user of <paramref name="role"/> (made in the store, with a token).</summary>
    public async Task<HttpClient> NewUserAsync(string name, string role)
    {
        var user = await Service.Store.CreateUserAsync(name, role, UserPasswordHash.Value, TimeProvider.System.GetUtcNow(), CancellationToken.None);
        var (secret, prefix, hash) = ApiTokens.New();
        await Service.Store.CreateTokenAsync(user.Id, $"{name}-token", prefix, hash, [], TimeProvider.System.GetUtcNow(), null, CancellationToken.None);
        Secrets.Add(secret);
        return Client(secret);
    }

    /// <summary>The thumbprint of the one self-signed certificate clients accept (HTTPS tests), or null.</summary>
    public string? TrustedThumbprint { get; init; }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => Client(null);

    /// <summary>A client with the API token of a user of <paramref name="role"/>.</summary>
    public HttpClient As(string role) => Client(Tokens[role]);

    /// <summary>A client with a bearer token.</summary>
    public HttpClient Client(string? token)
    {
        var handler = new HttpClientHandler { UseCookies = false };
        if (TrustedThumbprint is { } thumbprint)
        {
            handler.ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint;
        }

        var client = new HttpClient(new Recorder(this) { InnerHandler = handler }) { BaseAddress = Server.Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        clients.Add(client);
        return client;
    }

    /// <summary>A JSON body.</summary>
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The body of a problem answer.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Server.DisposeAsync();
        await Service.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task SetUpRolesAsync()
    {
        var local = ServerFile.Read(Root) ?? throw new InvalidOperationException("The server did not announce itself in .nagare/server.json.");
        var admin = Client(local.Key);
        var analyst = await admin.GetAsync("/api/v1/roles/analyst");
        analyst.EnsureSuccessStatusCode();
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/roles/analyst") { Content = Json("""{"level":"analyst","grants":[{"pattern":"*","privilege":"read"},{"pattern":"dwh_secret","privilege":"none"}]}""") };
        put.Headers.IfMatch.Add(analyst.Headers.ETag!);
        (await admin.SendAsync(put)).EnsureSuccessStatusCode();
        // Users and tokens go straight into the store: each password hash costs 600,000 PBKDF2 rounds, and the
        // sign-in path has its own tests.
        foreach (var role in Roles)
        {
            var user = await Service.Store.CreateUserAsync($"{role}-user", role, UserPasswordHash.Value, TimeProvider.System.GetUtcNow(), CancellationToken.None);
            var (secret, prefix, hash) = ApiTokens.New();
            await Service.Store.CreateTokenAsync(user.Id, $"{role}-token", prefix, hash, [], TimeProvider.System.GetUtcNow(), null, CancellationToken.None);
            Tokens[role] = secret;
            Secrets.Add(secret);
        }
    }

    /// <summary>Keeps every answer's body.</summary>
    private sealed class Recorder(ServerHarness harness) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Content.Headers.ContentType?.MediaType is not "text/event-stream")
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                // The one answer that carries a token's secret by design: the token's creation.
                if (!(request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath == "/api/v1/tokens" && response.IsSuccessStatusCode))
                {
                    harness.Answers.Enqueue(string.Join("\n", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")) + "\n" + body);
                }
            }

            return response;
        }
    }
}
