using System.Globalization;
using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Flows;

/// <summary>A query with a variable, previewed on the warehouse and saved as a scheduled model, then run from the form.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class QueryModelFlowTests(WebFixture web)
{
    [Fact]
    public async Task QueryWithAVariable_PreviewedSavedAndRun_BuildsTheTableOnASchedule()
    {
        var target = FlowSteps.UniqueName("lake");
        var model = FlowSteps.UniqueName("customers_from");
        await FlowSteps.SyncCustomersAsync(web, target);
        await using var page = await web.OpenAsAdminAsync(FlowSteps.Screen);
        var p = page.Page;

        await page.GotoAsync("/query");
        await page.WaitUntilLoadedAsync();
        await p.GetByLabel("SQL query", new() { Exact = true }).FillAsync($"select count(*) as n from {target}.customers where id >= {{{{ min_id }}}}");
        await p.GetByRole(AriaRole.Group, new() { Name = "Variables", Exact = true }).GetByLabel("min_id", new() { Exact = true }).FillAsync("2");
        await p.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();

        var result = p.GetByRole(AriaRole.Table, new() { Name = "Query result", Exact = true });
        await Assertions.Expect(result.GetByRole(AriaRole.Cell)).ToHaveTextAsync(["2"]);
        var save = p.GetByRole(AriaRole.Form, new() { Name = "Save as a scheduled model", Exact = true });
        await save.GetByLabel("Model name", new() { Exact = true }).FillAsync(model);
        await save.GetByLabel("Schedule", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Every day at a time" });
        await save.GetByLabel("Start time", new() { Exact = true }).FillAsync("07:30");
        await save.GetByLabel("Time zone", new() { Exact = true }).SelectOptionAsync("Asia/Tokyo");
        await save.GetByRole(AriaRole.Button, new() { Name = "Save model and schedule", Exact = true }).ClickAsync();

        var saved = save.GetByRole(AriaRole.Status);
        await Assertions.Expect(saved).ToContainTextAsync("Saved.");
        await Assertions.Expect(saved.GetByRole(AriaRole.Link, new() { Name = $"Open pipeline {model}", Exact = true })).ToBeVisibleAsync();
        await saved.GetByRole(AriaRole.Button, new() { Name = "Run now", Exact = true }).ClickAsync();
        var run = await FlowSteps.ExpectRunSucceededAsync(page);
        await FlowSteps.SaveScreenshotAsync(page, "model-run");

        var relation = await FlowSteps.ModelRelationAsync(web, model);
        var rows = await FlowSteps.QueryWarehouseAsync(web, $"select n from {relation}");
        Assert.Equal(2, Assert.Single(rows)[0].GetInt64());

        await page.GotoAsync("/runs");
        await page.WaitUntilLoadedAsync();
        await Assertions.Expect(p.GetByRole(AriaRole.Link, new() { Name = string.Create(CultureInfo.InvariantCulture, $"#{run}"), Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync("/pipelines/" + model);
        await page.WaitUntilLoadedAsync();
        await Assertions.Expect(p.GetByRole(AriaRole.Main)).ToContainTextAsync("30 7 * * *");
        await Assertions.Expect(p.GetByRole(AriaRole.Main)).ToContainTextAsync("Asia/Tokyo");
        await FlowSteps.SaveScreenshotAsync(page, "model-pipeline");
        await page.AssertNoProblemsAsync();
    }
}
