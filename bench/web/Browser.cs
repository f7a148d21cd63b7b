using System.Reflection;
using System.Text.Json;
using Microsoft.Playwright;

namespace Nagare.Bench.Web;

/// <summary>
/// One headless Chromium (Debian's /usr/bin/chromium, never a downloaded one); every measured load gets a new
/// context, so its HTTP cache is empty, carrying the session cookie so that signing in is not timed.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly string probes;

    private Browser(IPlaywright playwright, IBrowser browser, string probes)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.probes = probes;
    }

    /// <summary>The browser's version, for the report.</summary>
    public string Version => browser.Version;

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("page-probes.js")
            ?? throw new InvalidOperationException("page-probes.js is not embedded");
        using var reader = new StreamReader(stream);
        return new Browser(playwright, browser, await reader.ReadToEndAsync());
    }

    /// <summary>A page in a new context (empty cache, the session cookie of <paramref name="server"/>), with the probes installed.</summary>
    public async Task<IPage> NewPageAsync(ServedNagare server)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
        });
        await context.AddCookiesAsync([new Cookie
        {
            Name = server.SessionCookie.Name,
            Value = server.SessionCookie.Value,
            Url = server.BaseUrl.ToString(),
            HttpOnly = server.SessionCookie.HttpOnly,
        }]);
        await context.AddInitScriptAsync(probes);
        context.SetDefaultTimeout(180_000);
        return await context.NewPageAsync();
    }

    /// <summary>Navigation and resource timing with the probes' marks (see page-probes.js).</summary>
    public static async Task<PageTiming> TimingAsync(IPage page)
    {
        // As a JSON string: Playwright's own conversion of the object did not keep every number a number.
        var text = await page.EvaluateAsync<string>("() => JSON.stringify(window.__bench.timing())");
        using var json = JsonDocument.Parse(text);
        return PageTiming.From(json.RootElement);
    }

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}
