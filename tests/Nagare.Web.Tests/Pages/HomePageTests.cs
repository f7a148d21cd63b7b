using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The home page: the first page after signing in.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class HomePageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/";

    protected override string Link => "Home";
}
