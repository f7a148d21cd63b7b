using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Flows;

/// <summary>
/// What the end-to-end flows share: unique names, the screen size they run at, their screenshots, waiting for a run page
/// to say how the run ended, and preconditions arranged through the REST API (a synced warehouse table, a pipeline).
/// </summary>
internal static partial class FlowSteps
{
    /// <summary>Longest wait for a run to end, as the run page shows it.</summary>
    public const float RunTimeoutMs = 60_000;

    /// <summary>A common laptop screen, the size of every flow's screenshot.</summary>
    public static BrowserNewContextOptions Screen => new() { ViewportSize = new() { Width = 1366, Height = 768 }, Locale = "en-US" };

    /// <summary>A name no other test uses: <paramref name="prefix"/>, <c>_</c> and 8 hex digits (fits connection, sync, model and role names).</summary>
    public static string UniqueName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Saves the viewport as <c>flow-NAME-1366.png</c> beside the other screenshots.</summary>
    public static async Task SaveScreenshotAsync(WebPage page, string name)
    {
        var file = Path.Combine(WebFixture.ScreenshotFolder, string.Create(CultureInfo.InvariantCulture, $"flow-{name}-1366.png"));
        await page.Page.ScreenshotAsync(new() { Path = file, Animations = ScreenshotAnimations.Disabled });
        Assert.True(File.Exists(file), $"{file} was not written");
    }

    /// <summary>Waits on a run page (<c>/runs/{id}</c>) until its state says Succeeded, and returns the run's id.</summary>
    public static async Task<long> ExpectRunSucceededAsync(WebPage page)
    {
        await Assertions.Expect(page.Page).ToHaveURLAsync(RunAddress());
        var id = long.Parse(RunAddress().Match(page.Page.Url).Groups[1].Value, CultureInfo.InvariantCulture);
        try
        {
            await Assertions.Expect(page.Page.GetByRole(AriaRole.Status, new() { Name = "Run state", Exact = true }))
                .ToHaveTextAsync("Succeeded", new() { Timeout = RunTimeoutMs });
        }
        catch (PlaywrightException e)
        {
            // Say why the run did not succeed: its tasks' errors and the end of its log, as the API has them.
            var run = await page.Page.APIRequest.GetAsync(page.Url($"/api/v1/runs/{id}").ToString());
            var log = await page.Page.APIRequest.GetAsync(page.Url($"/api/v1/runs/{id}/logs?limit=10000").ToString());
            var lines = JsonDocument.Parse(await log.TextAsync()).RootElement.GetProperty("items").EnumerateArray()
                .Select(l => l.GetProperty("line").GetString()).TakeLast(40);
            Assert.Fail($"{e.Message}\nrun {id}: {await run.TextAsync()}\nlog:\n{string.Join('\n', lines)}");
        }

        return id;
    }

    /// <summary>Runs SQL on the warehouse as the local admin (<c>POST /query</c>) and returns the rows.</summary>
    public static async Task<JsonElement[]> QueryWarehouseAsync(WebFixture web, string sql)
    {
        var result = await web.ApiAsync(HttpMethod.Post, "query", new { Sql = sql, Limit = 1000 });
        return [.. result.GetProperty("rows").EnumerateArray()];
    }

    /// <summary>Writes project files all at once through <c>POST /project/apply</c> (checked by the server before it writes).</summary>
    public static Task ApplyFilesAsync(WebFixture web, IReadOnlyDictionary<string, string> files) =>
        web.ApiAsync(HttpMethod.Post, "project/apply", new { Files = files });

    /// <summary>
    /// Copies the test database's <c>customers</c> into the warehouse schema <paramref name="targetSchema"/> with a sync
    /// written and run through the API, for flows that start from a synced table.
    /// </summary>
    public static async Task SyncCustomersAsync(WebFixture web, string targetSchema)
    {
        var sync = UniqueName("arranged");
        await ApplyFilesAsync(web, new Dictionary<string, string>
        {
            [$"syncs/{sync}.yml"] = $"""
                name: {sync}
                source: {ServedProject.SourceConnection}
                destination: warehouse
                target_schema: {targetSchema}
                streams:
                  - select: {web.Database.Schema}.customers
                    mode: full_refresh

                """,
        });
        var started = await web.ApiAsync(HttpMethod.Post, $"syncs/{sync}/runs", new { });
        var run = await web.WaitForRunAsync(started.GetProperty("id").GetInt64(), TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", run.GetProperty("run").GetProperty("state").GetString());
    }

    /// <summary>The warehouse table a model builds (<c>schema.table</c>), as <c>GET /models</c> names it.</summary>
    public static async Task<string> ModelRelationAsync(WebFixture web, string model)
    {
        var models = await web.ApiAsync(HttpMethod.Get, "models");
        return models.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("name").GetString() == model).GetProperty("relation").GetString()!;
    }

    [GeneratedRegex(@"/runs/(\d+)$")]
    private static partial Regex RunAddress();
}
