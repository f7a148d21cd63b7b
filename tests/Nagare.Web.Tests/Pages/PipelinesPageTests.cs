using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The pipelines page: pipelines with their schedules and steps, and starting a run.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PipelinesPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/pipelines";

    protected override string Link => "Pipelines";
}
