namespace Nagare.Runtime.Activations;

/// <summary>One activation of the project, as listed.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Destination">Where it sends, or null when its file has problems.</param>
/// <param name="Mode">Its mode, or null when its file has problems.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Location">Its file (and line).</param>
/// <param name="Problem">Why it cannot run, or null.</param>
public sealed record ActivationSummary(string Name, string? Destination, string? Mode, string? Description, string Location, string? Problem)
{
    /// <summary>The kind of destination (<c>database</c>, <c>files</c>, <c>s3</c>, <c>http</c>), or null when the file has problems.</summary>
    public string? DestinationType { get; init; }
}
