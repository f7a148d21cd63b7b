namespace Nagare.Connectors.Files;

/// <summary>One file of a stream.</summary>
/// <param name="FullPath">Absolute path.</param>
/// <param name="RelativePath">Path relative to the connection's root, with <c>/</c> separators (the <c>_file</c> column).</param>
/// <param name="LastModified">Last write time, UTC (the <c>_file_modified</c> column).</param>
/// <param name="Length">Size in bytes.</param>
internal sealed record FileEntry(string FullPath, string RelativePath, DateTimeOffset LastModified, long Length);
