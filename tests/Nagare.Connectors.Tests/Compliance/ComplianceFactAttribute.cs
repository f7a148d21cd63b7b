using Xunit.Sdk;

namespace Nagare.Connectors.Tests.Compliance;

/// <summary>
/// A compliance fact: it may end with <see cref="CapabilitySkipException"/> (through
/// <c>RequireSource</c>/<c>RequireDestination</c> of <see cref="ConnectorCompliance{TFixture}"/>), which reports the test as skipped with the missing
/// capability as the reason, so an unsupported feature is visible instead of silently passing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[XunitTestCaseDiscoverer("Nagare.Connectors.Tests.Compliance.ComplianceFactDiscoverer", "Nagare.Connectors.Tests")]
public sealed class ComplianceFactAttribute : FactAttribute;
