using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The runs page: runs as they happen, with their steps, tasks and logs.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class RunsPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/runs";

    protected override string Link => "Runs";
}
