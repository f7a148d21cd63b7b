using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Shell;

/// <summary>English and Japanese: the switch in the header, the browser's language, and remembering the choice.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class LanguageTests(WebFixture web)
{
    [Fact]
    public async Task LanguageSwitch_ToJapanese_ShowsJapaneseNavigationAndSurvivesAReload()
    {
        await using var page = await web.OpenAsAdminAsync(new() { Locale = "en-US" });
        await Assertions.Expect(page.NavLink("Home")).ToBeVisibleAsync();

        await page.Page.GetByLabel("Language").SelectOptionAsync(new SelectOptionValue { Label = "日本語" });

        await AssertJapaneseAsync(page);
        Assert.Equal("ja", await page.Page.EvaluateAsync<string>("() => localStorage.getItem('nagare.lang')"));
        await page.Page.ReloadAsync();
        await AssertJapaneseAsync(page);
        await Assertions.Expect(page.Page.GetByLabel("言語")).ToHaveValueAsync("ja");
        await Assertions.Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task NewContext_WithJapaneseLocale_StartsInJapaneseFromTheSignInForm()
    {
        var password = await web.CreateUserAsync("yui", "viewer");
        await using var page = await web.OpenAsync(new() { Locale = "ja-JP" });

        await Assertions.Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Nagare にサインイン" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await page.Page.GetByLabel("ユーザー名", new() { Exact = true }).FillAsync("yui");
        await page.Page.GetByLabel("パスワード", new() { Exact = true }).FillAsync(password);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "サインイン", Exact = true }).ClickAsync();

        await AssertJapaneseAsync(page);
    }

    [Fact]
    public async Task LanguageSwitch_ToEnglishInAJapaneseBrowser_IsRememberedOverTheBrowsersLanguage()
    {
        await using var page = await web.OpenAsAdminAsync(new() { Locale = "ja-JP" });
        await AssertJapaneseAsync(page);

        await page.Page.GetByLabel("言語").SelectOptionAsync(new SelectOptionValue { Label = "English" });
        await page.Page.ReloadAsync();

        await Assertions.Expect(page.NavLink("Home")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("Connections")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("ホーム")).ToHaveCountAsync(0);
        await page.AssertNoProblemsAsync();
    }

    private static async Task AssertJapaneseAsync(WebPage page)
    {
        await Assertions.Expect(page.NavLink("ホーム")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("接続")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("実行履歴")).ToBeVisibleAsync();
        await Assertions.Expect(page.NavLink("Home")).ToHaveCountAsync(0);
    }
}
