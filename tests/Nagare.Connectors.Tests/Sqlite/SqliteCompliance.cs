using Nagare.Connectors.Tests.Compliance;

namespace Nagare.Connectors.Tests.Sqlite;

public sealed class SqliteCompliance(SqliteComplianceFixture fixture) : ConnectorCompliance<SqliteComplianceFixture>(fixture);
