namespace Nagare.Core.Connectors;

/// <summary>What a successful connection test learned.</summary>
/// <param name="ServerVersion">The server's version text, when it has one.</param>
/// <param name="Details">Other facts worth showing (e.g. database, user, folder).</param>
public sealed record ConnectionTestResult(string? ServerVersion, IReadOnlyDictionary<string, string> Details);
