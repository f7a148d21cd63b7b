using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The syncs page: syncs, their streams and state, and running one now.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SyncsPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/syncs";

    protected override string Link => "Syncs";
}
