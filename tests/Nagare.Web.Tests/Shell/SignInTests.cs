using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Shell;

/// <summary>The sign-in form of the shell against the real session API.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SignInTests(WebFixture web)
{
    [Fact]
    public async Task SignIn_WrongPassword_ShowsTheMessageAndStaysOnTheForm()
    {
        await web.CreateUserAsync("rin", "viewer");
        await using var page = await web.OpenAsync();

        await page.Page.GetByLabel("User name", new() { Exact = true }).FillAsync("rin");
        await page.Page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password at all");
        await page.SignInButton.ClickAsync();

        await Assertions.Expect(page.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The name or password is wrong.");
        await Assertions.Expect(page.SignInButton).ToBeEnabledAsync();
        await Assertions.Expect(page.Navigation).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignIn_RightPassword_ShowsTheNavigationAndWhoIsSignedIn()
    {
        var password = await web.CreateUserAsync("sora", "analyst");
        await using var page = await web.OpenAsync();

        await page.Page.GetByLabel("User name", new() { Exact = true }).FillAsync("sora");
        await page.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.SignInButton.ClickAsync();

        await Assertions.Expect(page.Navigation).ToBeVisibleAsync();
        page.ForgetProblems(); // the signed-out app's 401, logged before the form showed
        foreach (var entry in new[] { "Home", "Connections", "Syncs", "Models", "Query", "Pipelines", "Activations", "Runs", "Account & tokens" })
        {
            await Assertions.Expect(page.NavLink(entry)).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.Page.GetByLabel("User menu")).ToContainTextAsync("sora");
        await Assertions.Expect(page.SignInButton).ToHaveCountAsync(0);
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task SignOut_FromTheUserMenu_ReturnsToTheFormAndEndsTheSession()
    {
        await using var page = await web.OpenAsAdminAsync();

        await page.SignOutAsync();

        await Assertions.Expect(page.SignInButton).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.GetByLabel("User name", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Navigation).ToHaveCountAsync(0);
        // The session is over on the server too: a reload does not sign in again.
        await page.Page.ReloadAsync();
        await Assertions.Expect(page.SignInButton).ToBeVisibleAsync();
    }
}
