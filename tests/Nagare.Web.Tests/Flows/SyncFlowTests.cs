using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Flows;

/// <summary>
/// Creating a sync with a masked column through its form (its sample rows showing the table's values but not the
/// masked ones), running it, and finding the masked rows in the warehouse.
/// </summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class SyncFlowTests(WebFixture web)
{
    [Fact]
    public async Task NewSync_WithAMaskedEmail_SampleHidesItAndTheRunWritesOnlyHashedAddresses()
    {
        var name = FlowSteps.UniqueName("sync");
        var target = FlowSteps.UniqueName("lake");
        var stream = web.Database.Schema + ".customers";
        await using var page = await web.OpenAsAdminAsync(FlowSteps.Screen);
        var p = page.Page;

        await page.GotoAsync("/syncs/new");
        await page.WaitUntilLoadedAsync();
        await p.GetByLabel("Sync name", new() { Exact = true }).FillAsync(name);
        await p.GetByLabel("Source connection", new() { Exact = true }).SelectOptionAsync(ServedProject.SourceConnection);
        await p.GetByLabel("Destination connection", new() { Exact = true }).SelectOptionAsync("warehouse");
        await p.GetByLabel("Target schema", new() { Exact = true }).FillAsync(target);
        await p.GetByLabel("Default mode", new() { Exact = true }).SelectOptionAsync("full_refresh");
        await p.GetByLabel(stream, new() { Exact = true }).CheckAsync();

        var selection = p.GetByRole(AriaRole.Group, new() { Name = stream, Exact = true });
        await selection.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync("merge");
        await selection.GetByLabel("Cursor", new() { Exact = true }).SelectOptionAsync("updated_at");
        await selection.GetByLabel("Primary key", new() { Exact = true }).FillAsync("id");
        await selection.GetByText(new Regex(@"^Column mapping \(\d+\)$")).ClickAsync();
        await selection.GetByLabel("Mask email", new() { Exact = true }).SelectOptionAsync("sha256");
        await Assertions.Expect(selection.GetByText("Column mapping (1)", new() { Exact = true })).ToBeVisibleAsync();

        // The sample shows the table's own values, but not those of the column just masked.
        await selection.GetByRole(AriaRole.Button, new() { Name = "Sample rows", Exact = true }).ClickAsync();
        var names = selection.GetByRole(AriaRole.List, new() { Name = "Sample values of name", Exact = true });
        await Assertions.Expect(names).ToContainTextAsync("Aiko Tanaka");
        await Assertions.Expect(names).ToContainTextAsync("佐藤 花子");
        var emails = selection.GetByRole(AriaRole.List, new() { Name = "Sample values of email", Exact = true });
        await Assertions.Expect(emails.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(["•••", "•••", "•••"]);
        Assert.DoesNotContain("@example", await selection.InnerHTMLAsync(), StringComparison.Ordinal);
        await names.ScrollIntoViewIfNeededAsync();
        await FlowSteps.SaveScreenshotAsync(page, "sync-sample");
        await p.GetByRole(AriaRole.Button, new() { Name = "Save sync", Exact = true }).ClickAsync();

        await Assertions.Expect(p).ToHaveURLAsync(page.Url("/syncs/" + name).ToString());
        await p.GetByRole(AriaRole.Button, new() { Name = "Run now", Exact = true }).ClickAsync();
        var started = p.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = RunStarted() });
        await Assertions.Expect(started).ToBeVisibleAsync();
        var id = RunStarted().Match(await started.InnerTextAsync()).Groups[1].Value;
        await started.GetByRole(AriaRole.Link, new() { Name = $"Open run #{id}", Exact = true }).ClickAsync();

        Assert.Equal(long.Parse(id, CultureInfo.InvariantCulture), await FlowSteps.ExpectRunSucceededAsync(page));
        await FlowSteps.SaveScreenshotAsync(page, "sync-run");
        var rows = await FlowSteps.QueryWarehouseAsync(web, $"select id, name, email from {target}.customers order by id");
        Assert.Equal([1, 2, 3], rows.Select(r => r[0].GetInt32()));
        Assert.Equal("Aiko Tanaka", rows[0][1].GetString());
        var clear = new[] { "aiko@example.com", "ben@example.com", "hanako.sato@example.jp" };
        foreach (var (row, address) in rows.Zip(clear))
        {
            var masked = row[2].GetString()!;
            Assert.NotEqual(address, masked);
            Assert.DoesNotContain("@", masked, StringComparison.Ordinal);
        }

        Assert.Equal(3, rows.Select(r => r[2].GetString()).Distinct().Count());
        await page.AssertNoProblemsAsync();
    }

    [GeneratedRegex(@"Run #(\d+) started\.")]
    private static partial Regex RunStarted();
}
