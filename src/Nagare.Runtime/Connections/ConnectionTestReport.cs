using Nagare.Core.Connectors;

namespace Nagare.Runtime.Connections;

/// <summary>A connection that answered its test.</summary>
/// <param name="Type">The connector type it reports.</param>
/// <param name="Elapsed">How long opening and testing it took.</param>
/// <param name="Result">What the connector said about itself (version, details).</param>
public sealed record ConnectionTestReport(string Type, TimeSpan Elapsed, ConnectionTestResult Result);
