using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Flows;

/// <summary>A user an admin created chooses their own password at the first sign-in; the admin's one stops working.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class FirstPasswordFlowTests(WebFixture web)
{
    [Fact]
    public async Task FirstSignIn_WithThePasswordAnAdminChose_AsksForOwnAndOnlyThatWorksAfterwards()
    {
        var name = FlowSteps.UniqueName("mika");
        const string given = "chosen-by-the-admin-1";
        const string own = "four words of my own";
        await web.ApiAsync(HttpMethod.Post, "users", new { Name = name, Role = "analyst", Password = given });
        await using var page = await web.OpenAsync(FlowSteps.Screen);
        var p = page.Page;
        var sent = new List<string>();
        p.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/v1/session/password", StringComparison.Ordinal))
            {
                lock (sent)
                {
                    sent.Add(request.Method);
                }
            }
        };

        await SignInAsync(page, name, given);
        await Assertions.Expect(p.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Choose your own password");
        await Assertions.Expect(page.Navigation).ToHaveCountAsync(0);
        page.ForgetProblems(); // the signed-out app's 401, logged before the form showed
        await p.GetByLabel("Current password", new() { Exact = true }).FillAsync(given);
        await p.GetByLabel("New password", new() { Exact = true }).FillAsync(own);
        await p.GetByLabel("Confirm new password", new() { Exact = true }).FillAsync(own + " and more");
        await p.GetByRole(AriaRole.Button, new() { Name = "Set password", Exact = true }).ClickAsync();

        await Assertions.Expect(p.GetByText("The two new passwords do not match.", new() { Exact = true })).ToBeVisibleAsync();
        lock (sent)
        {
            Assert.Empty(sent);
        }

        await FlowSteps.SaveScreenshotAsync(page, "first-password");
        await p.GetByLabel("Confirm new password", new() { Exact = true }).FillAsync(own);
        await p.GetByRole(AriaRole.Button, new() { Name = "Set password", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Navigation).ToBeVisibleAsync();
        await page.AssertNoProblemsAsync();

        await page.SignOutAsync();
        await SignInAsync(page, name, given);
        await Assertions.Expect(p.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The name or password is wrong.");
        await Assertions.Expect(page.Navigation).ToHaveCountAsync(0);
        await SignInAsync(page, name, own);
        await Assertions.Expect(page.Navigation).ToBeVisibleAsync();
        await Assertions.Expect(p.GetByRole(AriaRole.Heading, new() { Name = "Choose your own password" })).ToHaveCountAsync(0);
    }

    private static async Task SignInAsync(WebPage page, string name, string password)
    {
        await page.Page.GetByLabel("User name", new() { Exact = true }).FillAsync(name);
        await page.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.SignInButton.ClickAsync();
    }
}
