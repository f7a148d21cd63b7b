namespace Nagare.Connectors.Files;

/// <summary>A finished part file in the work folder, waiting to be moved to <paramref name="RelativePath"/> at commit.</summary>
internal sealed record WrittenPart(int Number, string TempPath, string RelativePath, long Rows, long Bytes);
