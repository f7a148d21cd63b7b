namespace Nagare.Connectors.Tests.Compliance;

/// <summary>
/// Creates the connector under test for <see cref="ConnectorCompliance{TFixture}"/>: each call gives a fresh,
/// isolated place (a new schema, database file or folder) so facts can run in parallel.
/// </summary>
public interface IComplianceFixture
{
    /// <summary>A new isolated target.</summary>
    Task<ComplianceTarget> CreateTargetAsync();
}
