namespace Nagare.Runtime.Configuration;

/// <summary>
/// A connection, sync, activation, notification channel or pipeline whose file has problems. It is left out of the project so
/// that it blocks only what uses it: a run that needs it fails with <see cref="Problem"/>; everything else runs.
/// </summary>
/// <param name="Kind"><c>connection</c>, <c>sync</c>, <c>activation</c>, <c>notification</c> or <c>pipeline</c>. A pipeline is also broken
/// when a step runs a broken sync, or when its <c>trigger.after</c> names no pipeline or closes a cycle of triggers.</param>
/// <param name="Name">Its name (from <c>name:</c>, else the file name).</param>
/// <param name="File">The file, as given to the loader.</param>
/// <param name="Problem">Every problem found in the file.</param>
public sealed record BrokenObject(string Kind, string Name, string File, ConfigException Problem);
