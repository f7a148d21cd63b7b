using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The models page: models with their SQL, variables and schedules, and building them.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ModelsPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/models";

    protected override string Link => "Models";
}
