using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Nagare.Bench.Web;

/// <summary>
/// A model's lineage in a 5,000-model project: open <c>/models/NAME</c> (a new context each time, so the models
/// page's bundles come over the wire) until the graph's focus node is painted; then click a neighbour node in the
/// graph, which opens that model, until the graph is drawn around it. The floor: the API answers the page waits for.
/// </summary>
internal static class LineageCase
{
    // Clicks the INDEX-th navigable neighbour of the focus; the ms from the click until the graph is focused on it.
    private const string ClickNeighbour = """
        async (index) => {
          const nodes = [...document.querySelectorAll(".react-flow__node.lineage-link:not(.lineage-focus)")];
          const node = nodes[index % nodes.length];
          const id = node.getAttribute("data-id");
          const t0 = performance.now();
          node.click();
          const t1 = await window.__bench.until(() => document.querySelector(`.react-flow__node.lineage-focus[data-id="${CSS.escape(id)}"]`) !== null, 120000);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          return { ms: t1 - t0, painted: performance.now() - t0, id, nodes: document.querySelectorAll(".react-flow__node").length };
        }
        """;

    public static async Task<string> RunAsync(Browser browser, ServedNagare server, string? model, int runs)
    {
        using var list = JsonDocument.Parse(await server.Http.GetStringAsync(new Uri(server.BaseUrl, "api/v1/models")));
        var models = list.RootElement.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("type").GetString() == "model").ToList();
        // A model of the middle layer (marts read dwh models and are read by reports): both directions have neighbours.
        var marts = models.Select(m => m.GetProperty("name").GetString()!).Where(n => n.StartsWith("mart_", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var name = model ?? (marts.Count > 0 ? marts[marts.Count / 2] : models[models.Count / 2].GetProperty("name").GetString()!);

        var listMs = new List<double>();
        var detailMs = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            listMs.Add(await server.TimeGetAsync("models"));
            detailMs.Add(await server.TimeGetAsync("models/" + Uri.EscapeDataString(name)));
        }

        var address = "/models/" + Uri.EscapeDataString(name);
        var loads = new List<PageTiming>();
        IPage? page = null;
        for (var i = 0; i < runs; i++)
        {
            if (page is not null)
            {
                await page.Context.CloseAsync();
            }

            Console.Error.WriteLine($"[web] lineage: load {i + 1}/{runs}");
            page = await browser.NewPageAsync(server);
            await page.GotoAsync(address, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await page.WaitForFunctionAsync("() => window.__bench.marks.lineageFocusPainted !== undefined", null, new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 50 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            loads.Add(await Browser.TimingAsync(page));
        }

        var nodeCount = await page!.Locator(".react-flow__node").CountAsync();
        var clicks = new List<(double Dom, double Painted, int Nodes)>();
        for (var i = 0; i < runs; i++)
        {
            var click = await page.EvaluateAsync<JsonElement>(ClickNeighbour, i);
            clicks.Add((click.GetProperty("ms").GetDouble(), click.GetProperty("painted").GetDouble(), click.GetProperty("nodes").GetInt32()));
        }

        var afterClicks = await Browser.TimingAsync(page);
        var clickApi = afterClicks.Resources.Where(r => r.Start > loads[^1].LastResponseEnd && r.Name.Contains("/api/v1/models/", StringComparison.Ordinal)).Select(r => r.Duration).ToList();
        var bundles = loads[0].Resources.Where(r => r.Name.EndsWith(".js", StringComparison.Ordinal) || r.Name.EndsWith(".css", StringComparison.Ordinal)).ToList();
        await page.Context.CloseAsync();

        double ApiDuration(PageTiming t, string path) => t.Resources.FirstOrDefault(r => new Uri(r.Name).AbsolutePath == path)?.Duration ?? double.NaN;
        var focus = Stats.Median(loads.Select(t => t.Mark("lineageFocusPainted")));
        var listFloor = Stats.Median(listMs);
        var clickMs = Stats.Median(clicks.Select(c => c.Painted));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### 3. Lineage (`{address}`, a project of {models.Count:N0} models; {nodeCount} nodes drawn around it)");
        text.AppendLine();
        text.AppendLine("| measurement | median | range | bound beside it |");
        text.AppendLine("| --- | ---: | ---: | --- |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| **click a neighbour node → graph re-focused and painted** (target < 500 ms) | **{Stats.Ms(clickMs)} ms** | {Stats.Range(clicks.Select(c => c.Painted))} | {Stats.Ratio(clickMs, Stats.Median(detailMs))} of `GET /api/v1/models/NAME` |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| of which its `GET /api/v1/models/NAME` in the page | {Stats.Ms(Stats.Median(clickApi))} ms | {Stats.Range(clickApi)} | – |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| open `/models/NAME`, cold cache: navigation start → focus node painted ({runs} loads) | {Stats.Ms(focus)} ms | {Stats.Range(loads.Select(t => t.Mark("lineageFocusPainted")))} | {Stats.Ratio(focus, listFloor)} of `GET /api/v1/models` |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| of which `GET /api/v1/models` in the page | {Stats.Ms(Stats.Median(loads.Select(t => ApiDuration(t, "/api/v1/models"))))} ms | {Stats.Range(loads.Select(t => ApiDuration(t, "/api/v1/models")))} | – |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| of which `GET /api/v1/models/NAME` in the page | {Stats.Ms(Stats.Median(loads.Select(t => ApiDuration(t, new Uri(server.BaseUrl, "api/v1" + address).AbsolutePath))))} ms | – | – |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| floor: `GET /api/v1/models` alone (HttpClient, {runs} times) | {Stats.Ms(listFloor)} ms | {Stats.Range(listMs)} | 1.0× |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| `GET /api/v1/models/NAME` alone | {Stats.Ms(Stats.Median(detailMs))} ms | {Stats.Range(detailMs)} | – |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"A cold load of the model page transfers {Stats.Kb(loads[0].TransferBytes)} in {loads[0].Requests} requests; scripts and styles: {Stats.Kb(bundles.Sum(r => r.TransferBytes))} in {bundles.Count} files. "
            + $"The model list answer: {Stats.Kb(loads[0].Resources.FirstOrDefault(r => new Uri(r.Name).AbsolutePath == "/api/v1/models")?.TransferBytes ?? 0)} on the wire.");
        return text.ToString();
    }
}
