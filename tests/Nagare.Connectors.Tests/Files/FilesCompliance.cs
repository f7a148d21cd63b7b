using Nagare.Connectors.Tests.Compliance;

namespace Nagare.Connectors.Tests.Files;

public sealed class FilesCompliance(FilesComplianceFixture fixture) : ConnectorCompliance<FilesComplianceFixture>(fixture);
