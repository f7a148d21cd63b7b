using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>
/// What every page of the main navigation does, inherited by one test class per page (which also holds that page's
/// own flows): it opens from its link and from its address, marks its link current, has one main heading, and
/// neither throws nor logs an error while loading.
/// </summary>
public abstract class PageTests(WebFixture web)
{
    protected WebFixture Web { get; } = web;

    /// <summary>The page's address, e.g. <c>/connections</c>.</summary>
    protected abstract string Path { get; }

    /// <summary>The text of its link in the main navigation (English).</summary>
    protected abstract string Link { get; }

    [Fact]
    public async Task Open_FromTheNavigation_IsCurrentWithAHeadingAndNoErrors()
    {
        await using var page = await Web.OpenAsAdminAsync();

        await page.OpenFromNavigationAsync(Link);

        Assert.Equal(page.Url(Path).ToString(), page.Page.Url);
        await AssertRenderedAsync(page);
    }

    [Fact]
    public async Task Open_ByItsAddress_IsCurrentWithAHeadingAndNoErrors()
    {
        await using var page = await Web.OpenAsAdminAsync();

        await page.GotoAsync(Path);

        await Assertions.Expect(page.NavLink(Link)).ToHaveAttributeAsync("aria-current", "page");
        await page.WaitUntilLoadedAsync();
        await AssertRenderedAsync(page);
    }

    /// <summary>The page's one main heading, inside the main region.</summary>
    protected static ILocator MainHeading(WebPage page) =>
        page.Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Level = 1 });

    private static async Task AssertRenderedAsync(WebPage page)
    {
        await Assertions.Expect(MainHeading(page)).ToHaveCountAsync(1);
        await Assertions.Expect(MainHeading(page)).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await page.AssertNoProblemsAsync();
    }
}
