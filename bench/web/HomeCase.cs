using System.Diagnostics;
using System.Text;
using Microsoft.Playwright;

namespace Nagare.Bench.Web;

/// <summary>
/// First load of Home with a cold browser cache: each run a new context (empty cache, session cookie already set),
/// navigate to <c>/</c>, wait until the heading "Overview" and the day's cards are shown and the network is idle.
/// The floor beside it: the same navigation to <c>/api/v1/health</c>, one small answer of the same server.
/// </summary>
internal static class HomeCase
{
    public static async Task<string> RunAsync(Browser browser, ServedNagare server, int runs)
    {
        // One unmeasured load first: the server's first answers include its JIT; a user's first visit is not cold on both ends.
        var first = await LoadHomeAsync(browser, server);
        var home = new List<(PageTiming Timing, double Driver)>();
        for (var i = 0; i < runs; i++)
        {
            home.Add(await LoadHomeAsync(browser, server));
        }

        var health = new List<PageTiming>();
        for (var i = 0; i < runs; i++)
        {
            var page = await browser.NewPageAsync(server);
            await page.GotoAsync("/api/v1/health", new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            health.Add(await Browser.TimingAsync(page));
            await page.Context.CloseAsync();
        }

        double Rendered(PageTiming t) => Math.Max(t.Mark("homeContentPainted"), t.LastResponseEnd);
        var floor = Stats.Median(health.Select(t => t.LoadEventEnd));
        var rendered = Stats.Median(home.Select(h => Rendered(h.Timing)));
        var js = home[0].Timing.Resources.Where(r => r.Type is "script" || r.Name.EndsWith(".js", StringComparison.Ordinal)).Sum(r => r.TransferBytes);
        var css = home[0].Timing.Resources.Where(r => r.Name.EndsWith(".css", StringComparison.Ordinal)).Sum(r => r.TransferBytes);
        var api = home[0].Timing.Resources.Where(r => r.Name.Contains("/api/v1/", StringComparison.Ordinal)).ToList();
        var apiLast = Stats.Median(home.Select(h => h.Timing.Resources.Where(r => r.Name.Contains("/api/v1/", StringComparison.Ordinal)).Select(r => r.Duration).DefaultIfEmpty(double.NaN).Max()));

        var text = new StringBuilder();
        text.AppendLine($"### 1. Home, first load with a cold browser cache ({runs} runs, median; each a new browser context with the session cookie set)");
        text.AppendLine();
        text.AppendLine("| measurement (ms from navigation start) | median | range | × floor |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        text.AppendLine($"| heading \"Overview\" in the DOM | {Stats.Ms(Stats.Median(home.Select(h => h.Timing.Mark("heading"))))} | {Stats.Range(home.Select(h => h.Timing.Mark("heading")))} | {Stats.Ratio(Stats.Median(home.Select(h => h.Timing.Mark("heading"))), floor)} |");
        text.AppendLine($"| day's cards painted (runs answered) | {Stats.Ms(Stats.Median(home.Select(h => h.Timing.Mark("homeContentPainted"))))} | {Stats.Range(home.Select(h => h.Timing.Mark("homeContentPainted")))} | {Stats.Ratio(Stats.Median(home.Select(h => h.Timing.Mark("homeContentPainted"))), floor)} |");
        text.AppendLine($"| last response end (network idle from here) | {Stats.Ms(Stats.Median(home.Select(h => h.Timing.LastResponseEnd)))} | {Stats.Range(home.Select(h => h.Timing.LastResponseEnd))} | {Stats.Ratio(Stats.Median(home.Select(h => h.Timing.LastResponseEnd)), floor)} |");
        text.AppendLine($"| **Home rendered** (cards painted and last response in; target ≤ 1,000 ms) | **{Stats.Ms(rendered)}** | {Stats.Range(home.Select(h => Rendered(h.Timing)))} | {Stats.Ratio(rendered, floor)} |");
        text.AppendLine($"| Navigation Timing loadEventEnd | {Stats.Ms(Stats.Median(home.Select(h => h.Timing.LoadEventEnd)))} | {Stats.Range(home.Select(h => h.Timing.LoadEventEnd))} | {Stats.Ratio(Stats.Median(home.Select(h => h.Timing.LoadEventEnd)), floor)} |");
        text.AppendLine($"| driver's view: GotoAsync to heading visible (CDP round trips included) | {Stats.Ms(Stats.Median(home.Select(h => h.Driver)))} | {Stats.Range(home.Select(h => h.Driver))} | – |");
        text.AppendLine($"| slowest API answer of the load | {Stats.Ms(apiLast)} | – | – |");
        text.AppendLine($"| floor: loadEventEnd of `/api/v1/health` opened in the browser | {Stats.Ms(floor)} | {Stats.Range(health.Select(t => t.LoadEventEnd))} | 1.0× |");
        text.AppendLine($"| the server's first load (JIT, not in the median): Home rendered | {Stats.Ms(Rendered(first.Timing))} | – | {Stats.Ratio(Rendered(first.Timing), floor)} |");
        text.AppendLine();
        text.AppendLine($"Transferred per load: {Stats.Kb(home[0].Timing.TransferBytes)} on the wire ({Stats.Kb(home[0].Timing.BodyBytes)} decoded) in {home[0].Timing.Requests} requests: "
            + $"JavaScript {Stats.Kb(js)}, CSS {Stats.Kb(css)}, {api.Count} API calls ({string.Join(", ", api.Select(r => ApiName(r.Name) + " " + Stats.Ms(r.Duration) + " ms"))}).");
        text.AppendLine();
        text.AppendLine("Requests of one load (start → end ms, bytes on the wire): " + string.Join("; ", home[0].Timing.Resources.Select(r => $"`{ApiName(r.Name)}` {Stats.Ms(r.Start)}→{Stats.Ms(r.End)} {Stats.Kb(r.TransferBytes)}")));
        return text.ToString();
    }

    private static async Task<(PageTiming Timing, double Driver)> LoadHomeAsync(Browser browser, ServedNagare server)
    {
        var page = await browser.NewPageAsync(server);
        try
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Overview", Exact = true }).WaitForAsync();
            var driver = watch.Elapsed.TotalMilliseconds;
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForFunctionAsync("() => window.__bench.marks.homeContentPainted !== undefined");
            return (await Browser.TimingAsync(page), driver);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static string ApiName(string url)
    {
        var uri = new Uri(url);
        return uri.PathAndQuery;
    }
}
