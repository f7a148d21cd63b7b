namespace Nagare.Runtime.Configuration;

/// <summary>
/// A connection or sync whose file has problems. It is left out of the project so that it blocks only what uses it:
/// a run that needs it fails with <see cref="Problem"/>; everything else runs.
/// </summary>
/// <param name="Kind"><c>connection</c> or <c>sync</c>.</param>
/// <param name="Name">Its name (from <c>name:</c>, else the file name).</param>
/// <param name="File">The file, as given to the loader.</param>
/// <param name="Problem">Every problem found in the file.</param>
public sealed record BrokenObject(string Kind, string Name, string File, ConfigException Problem);
