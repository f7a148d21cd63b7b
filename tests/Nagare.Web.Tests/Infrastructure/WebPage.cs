using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Nagare.Web.Tests.Infrastructure;

/// <summary>
/// One browser context (its own cookies and local storage) with one page on the served UI, and what went wrong in it:
/// uncaught errors and console errors, which a page that works does not produce.
/// </summary>
public sealed partial class WebPage : IAsyncDisposable
{
    private readonly List<string> problems = [];
    private readonly Uri baseUrl;

    private WebPage(IBrowserContext context, IPage page, Uri baseUrl)
    {
        Context = context;
        Page = page;
        this.baseUrl = baseUrl;
        page.PageError += (_, error) => Record($"uncaught error at {page.Url}: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                // A failed request's message does not say which; its address does.
                Record($"console error at {page.Url}: {message.Text}{(message.Location is { Length: > 0 } where && where != page.Url ? $" ({where})" : string.Empty)}");
            }
        };
        page.Crash += (_, _) => Record($"the page crashed at {page.Url}");
        // Which request failed, with its method: the console's message for it names neither.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && response.Url.Contains("/api/", StringComparison.Ordinal))
            {
                failedRequests.Enqueue(DescribeAsync(response));
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Uncaught errors and console errors so far, in order.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (problems)
            {
                return [.. problems];
            }
        }
    }

    /// <summary>The main navigation of the shell (in either language).</summary>
    public ILocator Navigation => Page.GetByRole(AriaRole.Navigation, new() { NameRegex = NavigationName() });

    /// <summary>The shell's sign-in button (English).</summary>
    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    internal static async Task<WebPage> OpenAsync(IBrowser browser, Uri baseUrl, BrowserNewContextOptions? options)
    {
        var context = await browser.NewContextAsync(options ?? new BrowserNewContextOptions());
        // No action may wait longer: a missing element fails the test instead of hanging it.
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await context.NewPageAsync();
        return new WebPage(context, page, baseUrl);
    }

    /// <summary>The absolute address of <paramref name="path"/> on the server.</summary>
    public Uri Url(string path) => new(baseUrl, path);

    /// <summary>Loads <paramref name="path"/> as a fresh page load (typed address, bookmark or shared link).</summary>
    public async Task<IResponse> GotoAsync(string path) =>
        await Page.GotoAsync(Url(path).ToString()) ?? throw new InvalidOperationException($"no response for {path}");

    /// <summary>The link to <paramref name="text"/> in the main navigation.</summary>
    public ILocator NavLink(string text) => Navigation.GetByRole(AriaRole.Link, new() { Name = text, Exact = true });

    /// <summary>Opens a page from the main navigation and waits until it is current and has finished loading.</summary>
    public async Task OpenFromNavigationAsync(string text)
    {
        var link = NavLink(text);
        await link.ClickAsync();
        await Assertions.Expect(link).ToHaveAttributeAsync("aria-current", "page");
        await WaitUntilLoadedAsync();
    }

    /// <summary>Waits until no loading indicator is left in the page (lazy bundles and the API's first answers).</summary>
    public Task WaitUntilLoadedAsync() => Assertions.Expect(Page.Locator(".loading")).ToHaveCountAsync(0);

    /// <summary>Signs out through the user menu.</summary>
    public async Task SignOutAsync()
    {
        await Page.GetByLabel("User menu").ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
    }

    /// <summary>Fails with every uncaught error and console error seen so far, and the API requests that failed with their answers.</summary>
    public async Task AssertNoProblemsAsync()
    {
        var seen = Problems;
        if (seen.Count == 0)
        {
            return;
        }

        var failed = await Task.WhenAll(failedRequests);
        Assert.Fail("the page reported problems:\n" + string.Join('\n', seen) + (failed.Length == 0 ? string.Empty : "\nrequests that failed:\n" + string.Join('\n', failed)));
    }

    /// <summary>
    /// Forgets the problems so far. Signed out, the app learns it from a 401 answer, which the browser logs as a
    /// console error; after signing in, such errors are real again.
    /// </summary>
    public void ForgetProblems()
    {
        lock (problems)
        {
            problems.Clear();
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private readonly System.Collections.Concurrent.ConcurrentQueue<Task<string>> failedRequests = new();

    /// <summary>A failed API request: method, address, status and the start of the answer (a problem's detail says why).</summary>
    private static async Task<string> DescribeAsync(IResponse response)
    {
        string body;
        try
        {
            body = await response.TextAsync();
        }
        catch (PlaywrightException e)
        {
            body = "(answer not readable: " + e.Message + ")";
        }

        return $"{response.Request.Method} {response.Url} answered {response.Status}: {(body.Length > 500 ? body[..500] + "…" : body)}";
    }

    private void Record(string problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }

    [GeneratedRegex("^(Main|メイン)$")]
    private static partial Regex NavigationName();
}
