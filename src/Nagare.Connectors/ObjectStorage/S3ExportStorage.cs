using System.Collections.Concurrent;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.ObjectStorage;

/// <summary>
/// A bucket and prefix of S3 or an S3-compatible server as export destination. Files are written on local disk under
/// <c>workRoot</c> and uploaded when complete; the manifest goes up last, after every file's upload completed, so a
/// reader that sees the manifest finds every file it names complete.
/// </summary>
/// <remarks>
/// Publishing first deletes the manifest of the same name, if any: a run that then fails leaves no manifest naming
/// files it may have overwritten. A failed or cancelled run deletes the files it uploaded (and aborts its unfinished
/// multipart uploads); what it could not delete is named in the error.
/// </remarks>
public sealed class S3ExportStorage : IExportStorage, IDisposable
{
    private readonly S3ObjectStore _store;
    private readonly string _workRoot;
    private readonly TimeProvider _time;

    /// <summary>Storage in <paramref name="store"/>'s bucket and prefix, which it then owns.</summary>
    /// <param name="store">The bucket and prefix.</param>
    /// <param name="workRoot">A local folder for the work folders (created when missing).</param>
    /// <param name="time">The clock of retries and clean-up time-outs.</param>
    public S3ExportStorage(S3ObjectStore store, string workRoot, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _workRoot = workRoot ?? throw new ArgumentNullException(nameof(workRoot));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <inheritdoc/>
    public string Display => _store.Options.Display;

    /// <inheritdoc/>
    public string CreateWorkFolder()
    {
        var work = Path.Combine(_workRoot, FileCatalog.WorkFolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        return work;
    }

    /// <inheritdoc/>
    public async Task PublishAsync(IReadOnlyList<ExportedFile> files, string manifestPath, ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(manifestPath);
        var options = _store.Options;
        var manifestKey = options.KeyOf(manifestPath);
        var keys = files.Select(f => options.KeyOf(f.RelativePath)).ToList();
        await _store.DeleteAsync(manifestKey, cancellationToken).ConfigureAwait(false);

        var uploaded = new ConcurrentBag<string>();
        try
        {
            // Files go up side by side; the store bounds the requests in flight (and so the parts in memory) over
            // all of them together.
            await Parallel.ForAsync(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = options.ParallelUploads, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = files[i].Sha256 };
                await _store.UploadFileAsync(keys[i], files[i].LocalPath, metadata, ct).ConfigureAwait(false);
                uploaded.Add(keys[i]);
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var left = await DeleteUploadedAsync(uploaded).ConfigureAwait(false);
            if (e is ConnectorException failure)
            {
                throw new ConnectorException($"{failure.Message.TrimEnd('.')}. No manifest was written; {left}", failure) { IsTransient = failure.IsTransient, Hint = failure.Hint };
            }

            throw;
        }

        await _store.PutAsync(manifestKey, manifest, "application/json", cancellationToken).ConfigureAwait(false);
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
            // A leftover work folder is harmless: its name starts with a dot and nothing names its files.
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _store.Dispose();

    private async Task<string> DeleteUploadedAsync(IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0)
        {
            return "no file of this run was left in the bucket.";
        }

        // The run's token may be cancelled already; the clean-up still gets a bounded chance.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1), _time);
        try
        {
            await _store.DeleteAsync(keys, timeout.Token).ConfigureAwait(false);
            return $"the {keys.Count} file(s) of this run already uploaded were deleted.";
        }
        catch (Exception e) when (e is ConnectorException or OperationCanceledException)
        {
            var sorted = keys.Order(StringComparer.Ordinal).ToList();
            return $"the {keys.Count} file(s) of this run already uploaded could not be deleted ({e.Message}) and are left in the bucket: {string.Join(", ", sorted.Take(10))}{(sorted.Count > 10 ? ", …" : string.Empty)}.";
        }
    }
}
