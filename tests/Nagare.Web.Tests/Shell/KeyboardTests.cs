using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Shell;

/// <summary>The shell can be used without a mouse.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class KeyboardTests(WebFixture web)
{
    [Fact]
    public async Task SignInForm_WithTheKeyboardOnly_SignsIn()
    {
        var password = await web.CreateUserAsync("kei", "viewer");
        await using var page = await web.OpenAsync();
        var name = page.Page.GetByLabel("User name", new() { Exact = true });
        await Assertions.Expect(name).ToBeVisibleAsync();

        // Tab from the top of the page to the name field, whatever comes before it (the language switch).
        for (var presses = 0; presses < 10 && !await IsFocusedAsync(name); presses++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
        }

        Assert.True(await IsFocusedAsync(name), "Tab never reached the user name field");
        await page.Page.Keyboard.TypeAsync("kei");
        await page.Page.Keyboard.PressAsync("Tab");
        Assert.True(await IsFocusedAsync(page.Page.GetByLabel("Password", new() { Exact = true })), "Tab from the name did not reach the password");
        await page.Page.Keyboard.TypeAsync(password);
        await page.Page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Navigation).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.GetByLabel("User menu")).ToContainTextAsync("kei");
    }

    [Fact]
    public async Task Navigation_WithTheKeyboardOnly_OpensAPage()
    {
        await using var page = await web.OpenAsAdminAsync();
        var runs = page.NavLink("Runs");

        for (var presses = 0; presses < 30 && !await IsFocusedAsync(runs); presses++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
        }

        Assert.True(await IsFocusedAsync(runs), "Tab never reached the Runs link");
        await page.Page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(runs).ToHaveAttributeAsync("aria-current", "page");
        Assert.EndsWith("/runs", page.Page.Url, StringComparison.Ordinal);
    }

    private static Task<bool> IsFocusedAsync(ILocator locator) => locator.EvaluateAsync<bool>("e => e === document.activeElement");
}
