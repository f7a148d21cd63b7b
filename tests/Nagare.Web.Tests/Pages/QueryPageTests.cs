using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The query page: ad-hoc SQL on the datasets the role may read.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class QueryPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/query";

    protected override string Link => "Query";
}
