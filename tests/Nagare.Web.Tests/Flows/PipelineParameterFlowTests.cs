using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Flows;

/// <summary>Running a pipeline with a parameter from its page, with a value other than the default.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PipelineParameterFlowTests(WebFixture web)
{
    [Fact]
    public async Task RunThisPipeline_WithAParameterValue_BuildsTheModelWithIt()
    {
        var name = FlowSteps.UniqueName("param_model");
        // The files the query page writes for a query with one whole-number variable.
        await FlowSteps.ApplyFilesAsync(web, new Dictionary<string, string>
        {
            [$"models/{name}.sql"] = "{{ config(materialized='table') }}\n\nselect {{ var('min_id', 1) }} as min_id\n",
            [$"pipelines/{name}.yml"] = $"""
                name: {name}
                params:
                  min_id:
                    type: int
                    default: 1
                steps:
                  - build: {name}

                """,
        });
        await using var page = await web.OpenAsAdminAsync(FlowSteps.Screen);
        var p = page.Page;

        await page.GotoAsync("/pipelines/" + name);
        await page.WaitUntilLoadedAsync();
        var form = p.GetByRole(AriaRole.Form, new() { Name = "Run this pipeline", Exact = true });
        await Assertions.Expect(form.GetByRole(AriaRole.Heading, new() { Name = "Run this pipeline", Exact = true })).ToBeVisibleAsync();
        var value = form.GetByLabel("min_id", new() { Exact = true });
        await Assertions.Expect(value).ToHaveValueAsync("1");
        await value.FillAsync("7");
        await form.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();

        await FlowSteps.ExpectRunSucceededAsync(page);
        await FlowSteps.SaveScreenshotAsync(page, "pipeline-run");
        var rows = await FlowSteps.QueryWarehouseAsync(web, $"select min_id from {await FlowSteps.ModelRelationAsync(web, name)}");
        Assert.Equal(7, Assert.Single(rows)[0].GetInt64());
        await page.AssertNoProblemsAsync();
    }
}
