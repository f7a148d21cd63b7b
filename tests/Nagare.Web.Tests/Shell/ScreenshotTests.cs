using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Playwright;
using Nagare.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nagare.Web.Tests.Shell;

/// <summary>
/// The sign-in form and every main page at two common screen sizes, saved as <c>PAGE-WIDTH.png</c> in <see cref="WebFixture.ScreenshotFolder"/>
/// for people to look at; the test itself checks that each page renders without an uncaught or console error.
/// </summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ScreenshotTests(WebFixture web, ITestOutputHelper output)
{
    /// <summary>The pages of the main navigation: file name and link text.</summary>
    private static readonly (string Name, string Link)[] Pages =
    [
        ("home", "Home"), ("connections", "Connections"), ("syncs", "Syncs"), ("models", "Models"), ("query", "Query"),
        ("pipelines", "Pipelines"), ("activations", "Activations"), ("runs", "Runs"), ("access", "Access"), ("account", "Account & tokens"),
    ];

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(1920, 1080)]
    public async Task MainPages_AtAScreenSize_RenderWithoutErrorsAndAreSaved(int width, int height)
    {
        await using var page = await web.OpenAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "en-US" });
        var saved = new List<string>();
        await Assertions.Expect(page.SignInButton).ToBeVisibleAsync();
        saved.Add(await SaveAsync(page, "sign-in", width));
        await WebFixture.SignInAsync(page, "admin", web.AdminPassword);

        foreach (var (name, link) in Pages)
        {
            await page.OpenFromNavigationAsync(link);
            await Assertions.Expect(page.Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            saved.Add(await SaveAsync(page, name, width));
        }

        output.WriteLine($"screenshots at {width}x{height} in {WebFixture.ScreenshotFolder}");
        await page.AssertNoProblemsAsync();
        foreach (var file in saved)
        {
            AssertPng(file, width, height);
        }
    }

    [Fact]
    public async Task HomePage_InJapanese_RendersWithoutErrorsAndIsSaved()
    {
        await using var page = await web.OpenAsAdminAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 }, Locale = "ja-JP" });

        await page.OpenFromNavigationAsync("ホーム");
        var file = await SaveAsync(page, "home-ja", 1366);

        output.WriteLine($"screenshot in Japanese: {file}");
        await page.AssertNoProblemsAsync();
        AssertPng(file, 1366, 768);
    }

    /// <summary>Saves the viewport as <c>NAME-WIDTH.png</c> and returns the file's path.</summary>
    private static async Task<string> SaveAsync(WebPage page, string name, int width)
    {
        var file = Path.Combine(WebFixture.ScreenshotFolder, string.Create(CultureInfo.InvariantCulture, $"{name}-{width}.png"));
        await page.Page.ScreenshotAsync(new() { Path = file, Animations = ScreenshotAnimations.Disabled });
        return file;
    }

    /// <summary>A PNG of the viewport's size with more in it than an empty image compresses to.</summary>
    private static void AssertPng(string file, int width, int height)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        var bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 4_000, $"{file} has only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }
}
