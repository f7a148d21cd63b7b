namespace Nagare.Connectors.ObjectStorage;

/// <summary>An object as a listing shows it.</summary>
/// <param name="Key">Its full key.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was last written, if the server says.</param>
/// <param name="ETag">Its entity tag, if the server says.</param>
public sealed record StoredObject(string Key, long Size, DateTimeOffset? LastModified, string? ETag);
