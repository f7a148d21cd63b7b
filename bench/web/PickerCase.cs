using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Nagare.Bench.Web;

/// <summary>
/// The table picker on a connection's page (<c>/connections/NAME</c>, section "Discover streams"): the list opens
/// with the first page of a discovery of every table; the next pages come as the list scrolls to its end.
/// </summary>
internal static class PickerCase
{
    // Scrolls the list to its end N times; each time, the ms until a row past what was loaded is in the DOM.
    private const string NextPages = """
        async (n) => {
          const list = document.querySelector('[role="list"][aria-label="Streams"]');
          const box = list.parentElement;
          const loaded = () => Math.round(parseFloat(list.style.height) / 40);
          const beyond = (count) => () => [...list.querySelectorAll('[role="listitem"]')].some((e) => Number(e.getAttribute("aria-posinset")) > count);
          const out = [];
          // The "Load more streams" button is there while the listing has more pages.
          const more = () => document.querySelector(".stream-browser > button") !== null;
          for (let i = 0; i < n && more(); i++) {
            const before = loaded();
            const t0 = performance.now();
            box.scrollTop = box.scrollHeight;
            const t1 = await window.__bench.until(beyond(before), 60000);
            out.push({ ms: t1 - t0, before });
            await new Promise((r) => setTimeout(r, 150));
          }
          return out;
        }
        """;

    // STEPS scroll steps of PX pixels, one every 50 ms (a fast fling through the list), while long tasks and the
    // gaps between animation frames are recorded.
    private const string Fling = """
        async ([steps, px]) => {
          window.__bench.stop();
          const list = document.querySelector('[role="list"][aria-label="Streams"]');
          const box = list.parentElement;
          const longTasks = [];
          const observer = new PerformanceObserver((l) => longTasks.push(...l.getEntries().map((e) => e.duration)));
          observer.observe({ type: "longtask" });
          const gaps = [];
          let last = -1, running = true;
          const frame = (t) => { if (last >= 0) gaps.push(t - last); last = t; if (running) requestAnimationFrame(frame); };
          requestAnimationFrame(frame);
          const startRows = Math.round(parseFloat(list.style.height) / 40);
          const t0 = performance.now();
          for (let i = 0; i < steps; i++) {
            box.scrollTop += px;
            await new Promise((r) => setTimeout(r, 50));
          }
          const t1 = performance.now();
          await new Promise((r) => setTimeout(r, 300));
          running = false;
          observer.disconnect();
          const shown = [...list.querySelectorAll('[role="listitem"]')].map((e) => Number(e.getAttribute("aria-posinset")));
          return { gaps, longTasks, startRows, endRows: Math.round(parseFloat(list.style.height) / 40), lastShown: Math.max(...shown), seconds: (t1 - t0) / 1000, scrollTop: box.scrollTop };
        }
        """;

    public static async Task<string> RunAsync(Browser browser, ServedNagare server, string connection, int runs, double cliDiscoverSeconds)
    {
        var address = "/connections/" + Uri.EscapeDataString(connection);
        var firsts = new List<PageTiming>();
        IPage? page = null;
        for (var i = 0; i < runs; i++)
        {
            if (page is not null)
            {
                await page.Context.CloseAsync();
            }

            page = await browser.NewPageAsync(server);
            Console.Error.WriteLine($"[web] picker: load {i + 1}/{runs}");
            await page.GotoAsync(address, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.WaitForFunctionAsync("() => window.__bench.marks.firstStreamPainted !== undefined", null, new PageWaitForFunctionOptions { Timeout = 300_000, PollingInterval = 50 });
            firsts.Add(await Browser.TimingAsync(page));
        }

        Console.Error.WriteLine("[web] picker: next pages and scrolling");
        var next = (await page!.EvaluateAsync<JsonElement>(NextPages, 10)).EnumerateArray().Select(e => e.GetProperty("ms").GetDouble()).ToList();
        var afterPages = await Browser.TimingAsync(page);
        var nextApi = afterPages.Resources.Where(r => r.Name.Contains("/streams?", StringComparison.Ordinal) && r.Name.Contains("after=", StringComparison.Ordinal)).Select(r => r.Duration).ToList();
        var fling = await page.EvaluateAsync<JsonElement>(Fling, new object[] { 50, 2000 });
        var gaps = fling.GetProperty("gaps").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var longTasks = fling.GetProperty("longTasks").EnumerateArray().Select(e => e.GetDouble()).ToList();

        // A search: the same discovery narrowed to one schema's tables.
        var search = page.GetByRole(AriaRole.Searchbox, new PageGetByRoleOptions { Name = "Search streams" });
        await search.FillAsync("d2.*");
        var searchMs = await page.EvaluateAsync<double>("""
            async () => {
              const button = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Search");
              const t0 = performance.now();
              button.click();
              const first = () => document.querySelector('[role="list"][aria-label="Streams"] [role="listitem"] .stream-name');
              const t1 = await window.__bench.until(() => first() !== null && first().textContent.startsWith("d2."), 300000);
              return t1 - t0;
            }
            """);
        var searchApi = (await Browser.TimingAsync(page)).Resources.LastOrDefault(r => r.Name.Contains("select=d2", StringComparison.Ordinal))?.Duration ?? double.NaN;
        await page.Context.CloseAsync();

        var firstPage = Stats.Median(firsts.Select(t => t.Mark("firstStreamPainted")));
        var firstApi = Stats.Median(firsts.Select(t => t.Resource("/streams?")?.Duration ?? double.NaN));
        var cli = cliDiscoverSeconds * 1000;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### 2. Table picker (`{address}`, section \"Discover streams\", every table of the connection)");
        text.AppendLine();
        text.AppendLine("| measurement | median | range | bound beside it |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| **first page shown**: navigation start → first row painted ({runs} loads, new context each) | **{Stats.Ms(firstPage)} ms** | {Stats.Range(firsts.Select(t => t.Mark("firstStreamPainted")))} | {Stats.Ratio(firstPage, cli)} of `nagare connection discover --json` ({Stats.Ms(cli)} ms) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| of which the first `GET …/streams?limit=200` (a whole discovery on the server) | {Stats.Ms(firstApi)} ms | {Stats.Range(firsts.Select(t => t.Resource("/streams?")?.Duration ?? double.NaN))} | {Stats.Ratio(firstApi, cli)} of the CLI |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| of which before that request started (page, bundles, connection) | {Stats.Ms(Stats.Median(firsts.Select(t => t.Resource("/streams?")?.Start ?? double.NaN)))} ms | – | – |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| next page: scrolled to the end → new rows in the DOM ({next.Count} times) | {Stats.Ms(Stats.Median(next))} ms | {Stats.Range(next)} | its API call `after=…`: median {Stats.Ms(Stats.Median(nextApi))} ms |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| search `d2.*` → first matching row (one schema's tables) | {Stats.Ms(searchMs)} ms | – | its API call {Stats.Ms(searchApi)} ms |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| fling: 50 steps of 2,000 px every 50 ms — longest frame gap | {Stats.Ms(gaps.DefaultIfEmpty(double.NaN).Max())} ms | p95 {Stats.Ms(Stats.Percentile(gaps, 95))} ms, median {Stats.Ms(Stats.Median(gaps))} ms over {gaps.Count} frames | 16.7 ms (60 Hz) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| fling — long tasks (> 50 ms) | {longTasks.Count} | longest {Stats.Ms(longTasks.DefaultIfEmpty(double.NaN).Max())} ms | 0 |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"During the fling the list went from {fling.GetProperty("startRows").GetInt32():N0} to {fling.GetProperty("endRows").GetInt32():N0} loaded rows (last row shown {fling.GetProperty("lastShown").GetInt32():N0}) in {fling.GetProperty("seconds").GetDouble():0.0} s.");
        return text.ToString();
    }
}
