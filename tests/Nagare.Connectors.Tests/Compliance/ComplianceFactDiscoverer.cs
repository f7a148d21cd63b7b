using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nagare.Connectors.Tests.Compliance;

/// <summary>Discovers <see cref="ComplianceFactAttribute"/> methods as <see cref="ComplianceTestCase"/>s.</summary>
public sealed class ComplianceFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new ComplianceTestCase(
            diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}
