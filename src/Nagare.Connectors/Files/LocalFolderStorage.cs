namespace Nagare.Connectors.Files;

/// <summary>
/// A local folder as export destination. The work folder is a hidden <c>.nagare-…</c> folder inside it, on the same
/// file system, so each file is published with a rename. Every file is flushed to disk before it is renamed into
/// place, and the manifest is written under a temporary name, flushed, and renamed last.
/// </summary>
/// <param name="root">The folder (absolute).</param>
public sealed class LocalFolderStorage(string root) : IExportStorage
{
    /// <inheritdoc/>
    public string Display => root;

    /// <inheritdoc/>
    public string CreateWorkFolder()
    {
        var work = Path.Combine(root, FileCatalog.WorkFolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        return work;
    }

    /// <inheritdoc/>
    public async Task PublishAsync(IReadOnlyList<ExportedFile> files, string manifestPath, ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(manifestPath);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Flush(file.LocalPath);
            var final = Final(file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(file.LocalPath, final, overwrite: true);
        }

        var target = Final(manifestPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, FileCatalog.WorkFolderPrefix + Guid.NewGuid().ToString("N") + ".json");
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await stream.WriteAsync(manifest, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, target, overwrite: true);
    }

    /// <inheritdoc/>
    public void DeleteWorkFolder(string workFolder)
    {
        try
        {
            if (Directory.Exists(workFolder))
            {
                Directory.Delete(workFolder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover work folder is harmless: its name starts with a dot and no manifest names its files.
        }
    }

    private static void Flush(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    private string Final(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new Core.Connectors.ConnectorException($"'{relative}' is outside the destination folder '{root}'.");
    }
}
