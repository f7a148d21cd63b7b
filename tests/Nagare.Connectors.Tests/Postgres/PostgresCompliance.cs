using Nagare.Connectors.Tests.Compliance;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>The shared connector contract, run against a real PostgreSQL.</summary>
public sealed class PostgresCompliance(PostgresComplianceFixture fixture) : ConnectorCompliance<PostgresComplianceFixture>(fixture);
