using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Shell;

/// <summary>Addresses of pages can be loaded, reloaded and shared; what is not a page is not answered with one.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DeepLinkTests(WebFixture web)
{
    [Fact]
    public async Task Reload_OnThePathOfAPage_RendersThatPage()
    {
        await using var page = await web.OpenAsAdminAsync();

        var response = await page.GotoAsync("/runs");
        await Assertions.Expect(page.NavLink("Runs")).ToHaveAttributeAsync("aria-current", "page");
        await page.Page.ReloadAsync();

        Assert.Equal(200, response.Status);
        await Assertions.Expect(page.NavLink("Runs")).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(page.NavLink("Home")).Not.ToHaveAttributeAsync("aria-current", "page");
        Assert.Equal(page.Url("/runs").ToString(), page.Page.Url);
        await page.WaitUntilLoadedAsync();
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task PageResponse_OfAnyPath_HasAStrictContentSecurityPolicy()
    {
        await using var page = await web.OpenAsync();

        var response = await page.GotoAsync("/runs");
        var headers = await response.AllHeadersAsync();

        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/html", headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", headers["x-content-type-options"]);
    }

    [Fact]
    public async Task MissingAsset_IsNotFoundInsteadOfThePage()
    {
        await using var page = await web.OpenAsync();

        var missing = await page.Page.APIRequest.GetAsync(page.Url("/assets/missing.js").ToString());
        var unknownPage = await page.Page.APIRequest.GetAsync(page.Url("/no/such/page").ToString());

        Assert.Equal(404, missing.Status);
        Assert.Equal(200, unknownPage.Status);
        Assert.Contains("<div id=\"root\">", await unknownPage.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPath_SignedIn_SaysThereIsNoSuchPage()
    {
        await using var page = await web.OpenAsAdminAsync();

        await page.GotoAsync("/no/such/page");

        await Assertions.Expect(page.Page.GetByRole(AriaRole.Main)).ToContainTextAsync("No such page.");
        await Assertions.Expect(page.Navigation).ToBeVisibleAsync();
    }
}
