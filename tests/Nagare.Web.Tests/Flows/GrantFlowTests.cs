using System.Text.Json;
using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Flows;

/// <summary>An admin takes a viewer's read grant on a dataset away in the grant matrix, and gives it back.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class GrantFlowTests(WebFixture web)
{
    [Fact]
    public async Task GrantMatrix_ViewerSetToNone_RefusesTheDatasetUntilReadIsGivenBack()
    {
        var dataset = FlowSteps.UniqueName("lake");
        var role = FlowSteps.UniqueName("viewers");
        var user = FlowSteps.UniqueName("viv");
        await FlowSteps.SyncCustomersAsync(web, dataset);
        // A role of its own at the viewer level, so no other test sees its grants change.
        await web.Api.CreateRoleAsync(role, "viewer", (dataset, "read"));
        var password = await web.CreateUserAsync(user, role);
        await using var viewer = await web.OpenSignedInAsync(user, password, FlowSteps.Screen);
        await using var admin = await web.OpenAsAdminAsync(FlowSteps.Screen);
        Assert.Contains(dataset, await ReadableDatasetsAsync(viewer));
        Assert.True((await PreviewAsync(viewer, dataset)).Ok);

        await SetGrantAsync(admin, role, dataset, "none");

        Assert.DoesNotContain(dataset, await ReadableDatasetsAsync(viewer));
        var refused = await PreviewAsync(viewer, dataset);
        Assert.Equal(404, refused.Status);
        Assert.Contains($"No dataset '{dataset}' you may read.", await refused.TextAsync(), StringComparison.Ordinal);
        await FlowSteps.SaveScreenshotAsync(admin, "grant-none");

        await SetGrantAsync(admin, role, dataset, "read");

        Assert.Contains(dataset, await ReadableDatasetsAsync(viewer));
        Assert.True((await PreviewAsync(viewer, dataset)).Ok);
        await admin.AssertNoProblemsAsync();
    }

    /// <summary>Sets one cell of the grant matrix and saves it, as an admin does.</summary>
    private static async Task SetGrantAsync(WebPage admin, string role, string dataset, string privilege)
    {
        await admin.GotoAsync("/access/grants");
        await admin.WaitUntilLoadedAsync();
        await admin.Page.GetByLabel($"{role} on {dataset}", new() { Exact = true }).SelectOptionAsync(privilege);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Page.GetByRole(AriaRole.List, new() { Name = "What was saved", Exact = true })).ToHaveTextAsync($"{role}: saved.");
        await Assertions.Expect(admin.Page.GetByLabel($"{role} on {dataset}", new() { Exact = true })).ToHaveValueAsync(privilege);
    }

    /// <summary>The datasets <c>GET /datasets</c> lists for the signed-in user of <paramref name="page"/> (its session's cookies).</summary>
    private static async Task<List<string>> ReadableDatasetsAsync(WebPage page)
    {
        var answer = await page.Page.APIRequest.GetAsync(page.Url("/api/v1/datasets").ToString());
        Assert.True(answer.Ok, $"GET /api/v1/datasets answered {answer.Status}");
        var body = await answer.JsonAsync();
        return [.. body!.Value.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()!)];
    }

    /// <summary>The preview of the synced customers as the signed-in user of <paramref name="page"/> sees it.</summary>
    private static Task<IAPIResponse> PreviewAsync(WebPage page, string dataset) =>
        page.Page.APIRequest.GetAsync(page.Url($"/api/v1/datasets/{dataset}/tables/customers/preview").ToString());
}
