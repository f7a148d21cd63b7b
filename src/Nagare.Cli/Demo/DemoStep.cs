namespace Nagare.Cli.Demo;

/// <summary>One finished step of the demo.</summary>
public sealed record DemoStep(string Name, long Rows, TimeSpan Elapsed);
