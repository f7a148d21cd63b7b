namespace Nagare.Web.Tests.Infrastructure;

/// <summary>Every browser test: one served project and one browser for all, the tests one after another.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
