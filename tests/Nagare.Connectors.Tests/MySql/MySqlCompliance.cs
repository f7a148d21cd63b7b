using Nagare.Connectors.Tests.Compliance;

namespace Nagare.Connectors.Tests.MySql;

/// <summary>The shared connector contract, run against a real MariaDB (skipped, saying why, without one).</summary>
public sealed class MySqlCompliance(MySqlComplianceFixture fixture) : ConnectorCompliance<MySqlComplianceFixture>(fixture);
