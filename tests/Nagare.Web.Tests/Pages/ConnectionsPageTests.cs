using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The connections page: the project's connections, their tests and discovery of their streams.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ConnectionsPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/connections";

    protected override string Link => "Connections";
}
