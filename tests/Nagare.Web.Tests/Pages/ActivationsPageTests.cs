using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Pages;

/// <summary>The activations page: activations with their destinations, a dry run of the changes, and starting a run.</summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ActivationsPageTests(WebFixture web) : PageTests(web)
{
    protected override string Path => "/activations";

    protected override string Link => "Activations";
}
