namespace Nagare.Connectors.Files;

/// <summary>A stream of the files connector: a name and the files that belong to it.</summary>
/// <param name="Name">Stream name.</param>
/// <param name="Description">The glob or rule, for messages.</param>
/// <param name="StartFolder">Folder (relative to the root) under which every matching file lies; empty for the root.</param>
/// <param name="Matches">Whether a relative path belongs to the stream.</param>
internal sealed record FileStreamDefinition(string Name, string Description, string StartFolder, Func<string, bool> Matches);
