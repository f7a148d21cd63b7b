namespace Nagare.Connectors.Files;

/// <summary>
/// Where exported files end up: a local folder (<see cref="LocalFolderStorage"/>) or a bucket of S3 or an S3-compatible
/// server (<see cref="ObjectStorage.S3ExportStorage"/>). Files are written into a work folder
/// first; publishing puts every file in place and then the manifest, last, so a reader that sees a manifest finds every
/// file it names complete.
/// </summary>
public interface IExportStorage
{
    /// <summary>The destination as users know it (a folder, an <c>s3://</c> address).</summary>
    string Display { get; }

    /// <summary>A new, empty folder on local disk to write the files in before they are published.</summary>
    string CreateWorkFolder();

    /// <summary>Puts <paramref name="files"/> in place, then the manifest at <paramref name="manifestPath"/>, atomically.</summary>
    Task PublishAsync(IReadOnlyList<ExportedFile> files, string manifestPath, ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken);

    /// <summary>Deletes a work folder (after publishing, or after a failure).</summary>
    void DeleteWorkFolder(string workFolder);
}
