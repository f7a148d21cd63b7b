using System.Globalization;
using System.Text.Json;
using Nagare.Testing;

namespace Nagare.Web.Tests.Infrastructure;

/// <summary>
/// A project folder made with the real <c>nagare init</c>, with a PostgreSQL connection to the test database's schema,
/// served by a real <c>nagare serve</c> process with the built web UI. At the end the server is stopped (killed when it
/// does not stop) and the folder deleted.
/// </summary>
public sealed class ServedProject : IAsyncDisposable
{
    /// <summary>The name of the PostgreSQL connection to <see cref="TestDatabase.Schema"/> in the project.</summary>
    public const string SourceConnection = "source_pg";

    private static readonly TimeSpan ServerStart = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Command = TimeSpan.FromSeconds(60);

    private NagareProcess? server;
    private ServerApi? api;

    private ServedProject(string directory)
    {
        Directory = directory;
    }

    /// <summary>The project folder the server serves.</summary>
    public string Directory { get; }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The password the server gave the first admin, <c>admin</c>, on its first start.</summary>
    public string AdminPassword { get; private set; } = null!;

    /// <summary>The REST API with the local admin key from <c>.nagare/server.json</c>.</summary>
    public ServerApi Api => api ?? throw new InvalidOperationException("the server has not started");

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output => server?.Output ?? string.Empty;

    /// <summary>Makes a project in a new temporary folder and starts <c>nagare serve</c> on a free port for it.</summary>
    /// <param name="database">The database its <see cref="SourceConnection"/> reads.</param>
    /// <param name="webRoot">The built web UI (<c>web/dist</c>).</param>
    public static async Task<ServedProject> StartAsync(TestDatabase database, string webRoot)
    {
        var project = new ServedProject(Path.Combine(Path.GetTempPath(), "nagare-web-" + Guid.NewGuid().ToString("N")[..10]));
        try
        {
            await project.StartServerAsync(database, webRoot);
            return project;
        }
        catch
        {
            await project.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        api?.Dispose();
        try
        {
            if (server is not null)
            {
                await server.StopAsync(TimeSpan.FromSeconds(15));
                await server.DisposeAsync();
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private async Task StartServerAsync(TestDatabase database, string webRoot)
    {
        await NagareProcess.RunAsync(Command, "init", Directory);
        var pg = database.Settings;
        await File.WriteAllTextAsync(Path.Combine(Directory, "connections", SourceConnection + ".yml"), string.Create(CultureInfo.InvariantCulture, $"""
            name: {SourceConnection}
            type: postgres
            host: {pg.Host}
            port: {pg.Port}
            database: {pg.Database}
            user: {pg.Username}
            sslmode: disable
            schemas: [{database.Schema}]

            """));

        server = NagareProcess.Start("serve", "--listen", "127.0.0.1:0", "--slots", "2", "--project", Directory, "--web", webRoot);
        await server.WaitForOutputAsync(@"API at http://127\.0\.0\.1:\d+/", ServerStart);
        AdminPassword = (await server.WaitForOutputAsync("created the user 'admin' with the password (\\S+) ", TimeSpan.FromSeconds(1))).Groups[1].Value;
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Directory, ".nagare", "server.json")));
        BaseUrl = new Uri(file.RootElement.GetProperty("url").GetString()!.TrimEnd('/') + "/");
        api = new ServerApi(BaseUrl, file.RootElement.GetProperty("key").GetString()!);
        // The printed password stays the admin's own, so tests sign in to the pages, not to the first-start form.
        await api.KeepPasswordAsync("admin", AdminPassword);
    }
}
