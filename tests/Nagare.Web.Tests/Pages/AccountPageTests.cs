using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The account page: one's own password and API tokens.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class AccountPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/account";

    protected override string Link => "Account & tokens";
}
