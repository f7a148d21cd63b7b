using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Shell;

/// <summary>The shell shows each role only the pages its level may use, and refuses the others at their address.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class AccessTests(WebFixture web)
{
    [Fact]
    public async Task Viewer_DoesNotSeeAccessOrQueryAndIsRefusedAtTheirAddresses()
    {
        var password = await web.CreateUserAsync("vera", "viewer");
        await using var page = await web.OpenSignedInAsync("vera", password);

        await Assertions.Expect(page.NavLink("Runs")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("Access")).ToHaveCountAsync(0);
        await Assertions.Expect(page.NavLink("Query")).ToHaveCountAsync(0);
        await page.GotoAsync("/access");
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your role may not open this page.");
        await page.GotoAsync("/query");
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your role may not open this page.");
    }

    [Fact]
    public async Task Admin_SeesAccessAndOpensIt()
    {
        await using var page = await web.OpenAsAdminAsync();

        await page.OpenFromNavigationAsync("Access");

        await Assertions.Expect(page.Page.GetByText("Your role may not open this page.")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Analyst_SeesQueryButNotAccess()
    {
        var password = await web.CreateUserAsync("ana", "analyst");
        await using var page = await web.OpenSignedInAsync("ana", password);

        await Assertions.Expect(page.NavLink("Query")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("Access")).ToHaveCountAsync(0);
    }
}
