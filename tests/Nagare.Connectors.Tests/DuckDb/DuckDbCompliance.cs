using Nagare.Connectors.Tests.Compliance;

namespace Nagare.Connectors.Tests.DuckDb;

public sealed class DuckDbCompliance(DuckDbComplianceFixture fixture) : ConnectorCompliance<DuckDbComplianceFixture>(fixture);
