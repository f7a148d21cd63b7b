using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nagare.Web.Tests.Infrastructure;

/// <summary>
/// A schema of source tables on the test PostgreSQL server, a <see cref="ServedProject"/> reading it, and one headless
/// Chromium (Debian's, never a downloaded one). Shared by every test of <see cref="WebCollection"/>; each test opens its
/// own browser context, so cookies and languages do not leak between tests. Everything waits a bounded time.
/// </summary>
public sealed partial class WebFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly IMessageSink diagnostics;
    private TestDatabase? database;
    private ServedProject? project;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public WebFixture(IMessageSink diagnostics)
    {
        this.diagnostics = diagnostics;
    }

    /// <summary>The Nagare checkout the tests were built from.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The built web UI the servers serve: <c>web/dist</c> of the checkout.</summary>
    public static string WebRoot { get; } = Path.Combine(RepositoryRoot, "web", "dist");

    /// <summary>Where screenshots go: <c>TestResults/screenshots</c> beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>The source tables on the test PostgreSQL server (<c>customers</c> with an <c>email</c>, <c>orders</c>).</summary>
    public TestDatabase Database => database ?? throw new InvalidOperationException("the database is not ready");

    /// <summary>The project every test shares.</summary>
    public ServedProject Project => project ?? throw new InvalidOperationException("the server has not started");

    /// <summary>The REST API of <see cref="Project"/> with the local admin key.</summary>
    public ServerApi Api => Project.Api;

    /// <summary>The password of <see cref="Project"/>'s first admin, <c>admin</c>.</summary>
    public string AdminPassword => Project.AdminPassword;

    private IBrowser Browser => browser ?? throw new InvalidOperationException("the browser has not started");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts another project on its own server (e.g. to see a first start), reading the same database; the caller
    /// disposes it.
    /// </summary>
    public Task<ServedProject> StartProjectAsync() => ServedProject.StartAsync(Database, WebRoot);

    /// <summary>Opens a page in a new browser context (no cookies, no local storage) at the sign-in form of <paramref name="on"/> (default <see cref="Project"/>).</summary>
    public async Task<WebPage> OpenAsync(BrowserNewContextOptions? options = null, ServedProject? on = null)
    {
        var page = await WebPage.OpenAsync(Browser, (on ?? Project).BaseUrl, options);
        try
        {
            await page.GotoAsync("/");
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a page in a new browser context and signs in through the form.</summary>
    public async Task<WebPage> OpenSignedInAsync(string user, string password, BrowserNewContextOptions? options = null, ServedProject? on = null)
    {
        var page = await OpenAsync(options, on);
        try
        {
            await SignInAsync(page, user, password);
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a page in a new browser context signed in as the first admin of <see cref="Project"/>.</summary>
    public Task<WebPage> OpenAsAdminAsync(BrowserNewContextOptions? options = null) => OpenSignedInAsync("admin", AdminPassword, options);

    /// <summary>Signs in through the sign-in form (in either language) and waits for the navigation; then forgets the signed-out 401s.</summary>
    public static async Task SignInAsync(WebPage page, string user, string password)
    {
        await page.Page.GetByLabel(UserNameLabel()).FillAsync(user);
        await page.Page.GetByLabel(PasswordLabel()).FillAsync(password);
        await page.Page.GetByRole(AriaRole.Button, new() { NameRegex = SignInLabel() }).ClickAsync();
        await Assertions.Expect(page.Navigation).ToBeVisibleAsync();
        page.ForgetProblems();
    }

    /// <summary>Calls the REST API as the local admin; fails unless the answer is 2xx (<see cref="ServerApi.SendAsync"/> returns any answer).</summary>
    public Task<JsonElement> ApiAsync(HttpMethod method, string path, object? body = null) => Api.CallAsync(method, path, body);

    /// <summary>Creates a user with a built-in or made role, and returns its password.</summary>
    public Task<string> CreateUserAsync(string name, string role) => Api.CreateUserAsync(name, role);

    /// <summary>Waits until a run is over and returns it (see <see cref="ServerApi.WaitForRunAsync"/>).</summary>
    public Task<JsonElement> WaitForRunAsync(long id, TimeSpan? timeout = null) => Api.WaitForRunAsync(id, timeout);

    public async Task DisposeAsync()
    {
        // Each part is released even when one before it fails, so no server or browser outlives the tests.
        try
        {
            if (browser is not null)
            {
                await browser.CloseAsync();
            }
        }
        finally
        {
            playwright?.Dispose();
            try
            {
                if (project is not null)
                {
                    await project.DisposeAsync();
                }
            }
            finally
            {
                if (database is not null)
                {
                    await database.DisposeAsync();
                }
            }
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Path.Combine(WebRoot, "index.html")))
        {
            throw new InvalidOperationException($"The web UI is not built in {WebRoot}: run scripts/bootstrap --web (scripts/test does).");
        }

        database = await TestDatabase.CreateAsync();
        await CreateSourceTablesAsync(database);
        project = await ServedProject.StartAsync(database, WebRoot);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Never a browser Playwright would download: there is no network for it, and Debian's is the one tested.
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        Assertions.SetDefaultExpectTimeout(15_000);
        // Only this run's screenshots: an old file must not stand in for one this run failed to write.
        if (Directory.Exists(ScreenshotFolder))
        {
            Directory.Delete(ScreenshotFolder, recursive: true);
        }

        Directory.CreateDirectory(ScreenshotFolder);
        diagnostics.OnMessage(new DiagnosticMessage($"nagare serve at {project.BaseUrl} for {project.Directory}; Chromium {browser.Version}; screenshots in {ScreenshotFolder}"));
    }

    /// <summary>Source tables a sync can copy: customers with an e-mail column to mask, and their orders, both with an update time.</summary>
    private static Task CreateSourceTablesAsync(TestDatabase database) => database.ExecuteAsync($"""
        CREATE TABLE {database.Schema}.customers (
            id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL, updated_at timestamptz NOT NULL);
        INSERT INTO {database.Schema}.customers VALUES
            (1, 'Aiko Tanaka', 'aiko@example.com', '2026-11-01 09:00:00+09'),
            (2, 'Ben Carter', 'ben@example.com', '2026-11-02 10:30:00+09'),
            (3, '佐藤 花子', 'hanako.sato@example.jp', '2026-11-03 08:15:00+09');
        CREATE TABLE {database.Schema}.orders (
            id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES {database.Schema}.customers (id),
            amount numeric(12, 2) NOT NULL, updated_at timestamptz NOT NULL);
        INSERT INTO {database.Schema}.orders VALUES
            (10, 1, 1200.00, '2026-11-01 09:05:00+09'),
            (11, 1, 350.50, '2026-11-02 11:00:00+09'),
            (12, 3, 9800.00, '2026-11-03 08:20:00+09');
        """);

    [GeneratedRegex("^(User name|ユーザー名)$")]
    private static partial Regex UserNameLabel();

    [GeneratedRegex("^(Password|パスワード)$")]
    private static partial Regex PasswordLabel();

    [GeneratedRegex("^(Sign in|サインイン)$")]
    private static partial Regex SignInLabel();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nagare.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Nagare.slnx above {AppContext.BaseDirectory}");
    }
}
