namespace Nagare.Cli.Demo;

/// <summary>What the demo did.</summary>
public sealed record DemoReport(IReadOnlyList<DemoStep> Steps, TimeSpan Elapsed);
