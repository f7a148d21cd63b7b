using Nagare.Core.Batches;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// Writes one stream into part files inside a work folder (<c>.nagare-…</c> under the root, on the same file system)
/// and moves them into place at commit. Full refresh then replaces the stream's previous set of files (the files its
/// template matches): the old set is renamed away, the new set moved in, the old set deleted; if moving in fails the
/// old set is put back. Under an S3 prefix the work folder is a local temporary folder and the commit is
/// <see cref="S3FileSet.CommitAsync"/>'s. Disposing without commit deletes the work folder.
/// </summary>
internal sealed class FilesStreamWriter : IStreamWriter
{
    private readonly string _root;
    private readonly WriteRequest _request;
    private readonly string _workFolder;
    private readonly IPartSink _sink;
    private readonly PartNames _names;
    private readonly System.Text.RegularExpressions.Regex _setPattern;
    private readonly FilesStateStore _state;
    private readonly (S3FileSet Files, string Folder)? _objects;
    private readonly FileStream _lock;
    private bool _done;
    private bool _sinkClosed;

    public FilesStreamWriter(string root, WriteRequest request, string workFolder, Func<PartNames, IPartSink> sink, PartNames names,
        System.Text.RegularExpressions.Regex setPattern, FilesStateStore state, (S3FileSet Files, string Folder)? objects = null)
    {
        _root = root;
        _request = request;
        _workFolder = workFolder;
        _names = names;
        _setPattern = setPattern;
        _state = state;
        _objects = objects;
        _lock = FilesCommitJournal.Lock(workFolder);
        try
        {
            _sink = sink(names);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    private string StreamName => _request.Target.ToString();

    public ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_done, this);
        if (batch.Columns.Length != _request.Columns.Length)
        {
            throw new ConnectorException($"Stream '{StreamName}': a batch has {batch.Columns.Length} columns but the writer was opened for {_request.Columns.Length}.") { Stream = StreamName };
        }

        return _sink.WriteAsync(batch, cancellationToken);
    }

    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        await _sink.CompleteAsync(emptyPartIfNoRows: _request.Mode == WriteMode.FullRefresh, cancellationToken).ConfigureAwait(false);
        await CloseSinkAsync().ConfigureAwait(false);
        var parts = _names.Parts;
        if (_objects is { } objects)
        {
            await objects.Files.CommitAsync(_request, objects.Folder, _setPattern, parts, state, _state, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CommitLocallyAsync(parts, state, cancellationToken).ConfigureAwait(false);
        }

        _done = true;
        await _lock.DisposeAsync().ConfigureAwait(false);
        DeleteWorkFolder();
        return new WriteResult(_sink.Rows, _sink.Rows);
    }

    private async Task CommitLocallyAsync(IReadOnlyList<WrittenPart> parts, StreamState? state, CancellationToken cancellationToken)
    {
        var replace = _request.Mode == WriteMode.FullRefresh;
        if (!replace)
        {
            ThrowIfPresent(StreamName, parts, relative => File.Exists(Final(relative)));
        }

        // The decision is recorded before anything moves: a crash from here on is rolled forward by the next run.
        var record = new FilesCommitJournal.Record(
            _request.SyncName,
            _request.StateKey,
            state,
            replace,
            [.. parts.Select(p => new FilesCommitJournal.PartMove(Path.GetRelativePath(_workFolder, p.TempPath), p.RelativePath))],
            replace ? ExistingSet(_root, _setPattern) : []);
        await FilesCommitJournal.WriteAsync(_workFolder, record, cancellationToken).ConfigureAwait(false);
        try
        {
            FilesCommitJournal.Apply(_root, _workFolder, record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Undo(record);
            FilesCommitJournal.Discard(_workFolder);
            throw new ConnectorException($"Stream '{StreamName}': cannot {(replace ? "replace" : "add")} the files under '{_root}': {e.Message}. The previous files were kept.", e) { Stream = StreamName };
        }

        if (state is not null)
        {
            // Not cancellable: the files are in, and the state must follow them (a crash here is rolled forward).
            await _state.SaveAsync(_request.SyncName, _request.StateKey, state, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        await CloseSinkAsync().ConfigureAwait(false);
        await _lock.DisposeAsync().ConfigureAwait(false);
        DeleteWorkFolder();
    }

    /// <summary>Disposes the sink once: a commit that fails after completing the parts is disposed again by its caller.</summary>
    private async ValueTask CloseSinkAsync()
    {
        if (!_sinkClosed)
        {
            _sinkClosed = true;
            await _sink.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The stream's current files: relative paths its template matches (outside the connector's own folders).</summary>
    public static List<string> ExistingSet(string root, System.Text.RegularExpressions.Regex pattern)
    {
        var found = new List<string>();
        if (Directory.Exists(root))
        {
            Collect(root, new DirectoryInfo(root), pattern, found);
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static void Collect(string root, DirectoryInfo folder, System.Text.RegularExpressions.Regex pattern, List<string> found)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (FileCatalog.IsReserved(entry.Name))
            {
                continue;
            }

            if (entry is DirectoryInfo sub)
            {
                Collect(root, sub, pattern, found);
            }
            else
            {
                var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
                if (pattern.IsMatch(relative))
                {
                    found.Add(relative);
                }
            }
        }
    }

    /// <summary>Refuses an append whose parts would overwrite files that are there (<paramref name="exists"/> of a relative path).</summary>
    public static void ThrowIfPresent(string stream, IReadOnlyList<WrittenPart> parts, Func<string, bool> exists)
    {
        foreach (var part in parts)
        {
            if (exists(part.RelativePath))
            {
                throw new ConnectorException(
                    $"Stream '{stream}': '{part.RelativePath}' already exists; appending would overwrite it. Put {{part}} or {{date:yyyyMMddHHmmss}} in the file name template.")
                { Stream = stream };
            }
        }
    }

    /// <summary>Puts back what a failed <see cref="FilesCommitJournal.Apply"/> moved: new parts out, old files in.</summary>
    private void Undo(FilesCommitJournal.Record record)
    {
        foreach (var part in record.Parts)
        {
            var temp = Path.Combine(_workFolder, part.Temp);
            if (!File.Exists(temp) && File.Exists(Final(part.Final)))
            {
                File.Move(Final(part.Final), temp);
            }
        }

        var trash = Path.Combine(_workFolder, FilesCommitJournal.OldFolder);
        foreach (var old in record.OldFiles)
        {
            var moved = Path.Combine(trash, old);
            if (File.Exists(moved))
            {
                File.Move(moved, Final(old));
            }
        }
    }

    private string Final(string relative) => Path.Combine(_root, relative);

    private void DeleteWorkFolder()
    {
        try
        {
            if (Directory.Exists(_workFolder))
            {
                Directory.Delete(_workFolder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover work folder is harmless: discovery and every stream's file set skip '.nagare-' folders.
        }
    }
}
