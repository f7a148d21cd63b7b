using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The access page (admins): users, roles and their dataset grants.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class AccessPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/access";

    protected override string Link => "Access";
}
