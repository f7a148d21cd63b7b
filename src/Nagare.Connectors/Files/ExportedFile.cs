namespace Nagare.Connectors.Files;

/// <summary>A finished file of an export, still in the work folder until the storage publishes it.</summary>
/// <param name="RelativePath">Where it goes, relative to the destination (with <c>/</c>).</param>
/// <param name="LocalPath">Where it is now.</param>
/// <param name="Rows">Rows in it.</param>
/// <param name="Bytes">Its size in bytes, as written.</param>
/// <param name="Sha256">The SHA-256 of its bytes, lower-case hex.</param>
public sealed record ExportedFile(string RelativePath, string LocalPath, long Rows, long Bytes, string Sha256);
