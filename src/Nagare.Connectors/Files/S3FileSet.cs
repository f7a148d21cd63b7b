using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Files;

/// <summary>
/// The file sets of a files destination under an S3 prefix, committed as close to a folder's rename as S3 allows
/// (S3 has no rename and no lock, but each object appears whole or not at all):
/// <list type="number">
/// <item>every new part is uploaded under the writer's own hidden prefix <c>.nagare-&lt;id&gt;/parts/</c>, which no
/// stream lists; a failure here deletes what was uploaded and leaves the table's files and state as they were;</item>
/// <item>the commit record <c>.nagare-&lt;id&gt;/commit.json</c> (the same record a folder's commit writes: parts,
/// replaced files, new state) is put: the decision;</item>
/// <item>each part is copied into place on the server, then the state is saved, then a full refresh's replaced
/// files are deleted;</item>
/// <item>the record, then the staged parts, are deleted.</item>
/// </list>
/// A run that stops after the decision is finished by the next use of the destination (<see cref="RecoverAsync"/>),
/// so the state never names files that are not in place and the files in place are never dropped from the state.
/// </summary>
internal sealed class S3FileSet(S3ObjectStore store, TimeProvider time)
{
    /// <summary>Staged parts without a commit record older than this belong to a writer that died; they are deleted.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromDays(1);
    private static readonly JsonSerializerOptions Json = JsonFormat.IndentedSerializer;

    private ObjectStorageOptions Options => store.Options;

    private string Prefix => Options.Prefix.Length == 0 ? string.Empty : Options.Prefix + "/";

    /// <summary>
    /// The stream's current files: objects under <paramref name="folder"/> (relative to the prefix) whose relative
    /// path <paramref name="pattern"/> matches, outside the connector's own entries, sorted by relative path.
    /// </summary>
    public async Task<List<FileEntry>> ExistingAsync(string folder, Regex pattern, CancellationToken cancellationToken)
    {
        var found = new List<FileEntry>();
        await foreach (var item in store.ListAsync(Prefix + folder, cancellationToken).ConfigureAwait(false))
        {
            var relative = item.Key[Prefix.Length..];
            if (!item.Key.EndsWith('/') && relative.Split('/').All(part => !FileCatalog.IsReserved(part)) && pattern.IsMatch(relative))
            {
                found.Add(new FileEntry(item.Key, relative, item.LastModified ?? DateTimeOffset.UnixEpoch, item.Size));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return found;
    }

    /// <summary>Uploads, decides and applies the commit of <paramref name="parts"/> (local files) as the stream's new files.</summary>
    /// <exception cref="ConnectorException">
    /// Before the decision: nothing changed (the message names the part that failed). After it: the commit is
    /// finished by the next use of the destination.
    /// </exception>
    public async Task CommitAsync(
        WriteRequest request, string folder, Regex pattern, IReadOnlyList<WrittenPart> parts, StreamState? state, FilesStateStore states, CancellationToken cancellationToken)
    {
        var stream = request.Target.ToString();
        var replace = request.Mode == WriteMode.FullRefresh;
        var present = (await ExistingAsync(folder, pattern, cancellationToken).ConfigureAwait(false)).Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        if (!replace)
        {
            FilesStreamWriter.ThrowIfPresent(stream, parts, present.Contains);
        }

        var work = FileCatalog.WorkFolderPrefix + Guid.NewGuid().ToString("N");
        var finals = parts.Select(p => p.RelativePath).ToHashSet(StringComparer.Ordinal);
        var record = new FilesCommitJournal.Record(
            request.SyncName,
            request.StateKey,
            state,
            replace,
            [.. parts.Select(p => new FilesCommitJournal.PartMove(work + "/parts/" + p.RelativePath, p.RelativePath))],
            replace ? [.. present.Where(f => !finals.Contains(f)).Order(StringComparer.Ordinal)] : []);
        var recordKey = Options.KeyOf(work + "/" + FilesCommitJournal.RecordName);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Count; i++)
        {
            sizes[Options.KeyOf(record.Parts[i].Temp)] = new FileInfo(parts[i].TempPath).Length;
        }

        var staged = new ConcurrentBag<string>();
        try
        {
            await Parallel.ForAsync(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.ParallelUploads, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var key = Options.KeyOf(record.Parts[i].Temp);
                staged.Add(key);
                try
                {
                    await store.UploadFileAsync(key, parts[i].TempPath, null, ct).ConfigureAwait(false);
                }
                catch (ConnectorException e)
                {
                    throw new ConnectorException($"Stream '{stream}': the upload of '{parts[i].RelativePath}' failed: {e.Message}", e) { Stream = stream, IsTransient = e.IsTransient, Hint = e.Hint };
                }
            }).ConfigureAwait(false);
            await store.PutAsync(recordKey, JsonSerializer.SerializeToUtf8Bytes(record, Json), "application/json", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectorException or OperationCanceledException)
        {
            var left = await DeleteStagedAsync([.. staged, recordKey]).ConfigureAwait(false);
            if (e is not ConnectorException failure)
            {
                throw;
            }

            throw new ConnectorException(
                $"{(failure.Stream is null ? $"Stream '{stream}': " : string.Empty)}{failure.Message.TrimEnd('.')}. Nothing was committed: the files and state under {Options.Display} are as before{left}", failure)
            {
                Stream = stream,
                IsTransient = failure.IsTransient,
                Hint = failure.Hint,
            };
        }

        // Decided: from here on, whatever stops this commit is finished by the next use of the destination.
        try
        {
            await ApplyAsync(work, record, sizes, states, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorException e)
        {
            throw new ConnectorException(
                $"Stream '{stream}': the new files are uploaded and the commit is recorded in {Options.Display}{work}/, but putting them in place failed: {e.Message.TrimEnd('.')}. " +
                "The next sync into this destination finishes the commit before it reads state or writes.", e)
            {
                Stream = stream,
                IsTransient = true,
                Hint = e.Hint,
            };
        }
    }

    /// <summary>
    /// Finishes the commits of writers that stopped after deciding (a commit record under a <c>.nagare-</c> prefix),
    /// and deletes staged parts without a record once they are older than a day (a writer that died before deciding).
    /// </summary>
    public async Task RecoverAsync(FilesStateStore states, CancellationToken cancellationToken)
    {
        var works = new SortedDictionary<string, List<StoredObject>>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(Prefix + FileCatalog.WorkFolderPrefix, cancellationToken).ConfigureAwait(false))
        {
            var relative = item.Key[Prefix.Length..];
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                var work = relative[..slash];
                if (!works.TryGetValue(work, out var objects))
                {
                    works[work] = objects = [];
                }

                objects.Add(item);
            }
        }

        foreach (var (work, objects) in works)
        {
            var recordKey = Options.KeyOf(work + "/" + FilesCommitJournal.RecordName);
            if (objects.Any(o => o.Key == recordKey))
            {
                var bytes = await store.ReadSmallAsync(recordKey, cancellationToken).ConfigureAwait(false);
                FilesCommitJournal.Record? record;
                try
                {
                    record = bytes is null ? null : JsonSerializer.Deserialize<FilesCommitJournal.Record>(bytes, Json);
                }
                catch (JsonException e)
                {
                    throw new ConnectorException($"The commit record '{Options.Display}{work}/{FilesCommitJournal.RecordName}' is not valid JSON: {e.Message}. Delete the objects under {Options.Display}{work}/ to drop that commit.", e);
                }

                if (record is not null)
                {
                    await ApplyAsync(work, record, objects.ToDictionary(o => o.Key, o => o.Size, StringComparer.Ordinal), states, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (objects.Max(o => o.LastModified ?? DateTimeOffset.MaxValue) < time.GetUtcNow() - AbandonedAfter)
            {
                await store.DeleteAsync([.. objects.Select(o => o.Key)], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Streams the object of <paramref name="file"/> to a new file in <paramref name="folder"/>.</summary>
    public async Task<string> DownloadAsync(FileEntry file, string folder, CancellationToken cancellationToken)
    {
        var copy = Path.Combine(folder, Path.GetFileName(file.RelativePath));
        var source = await store.OpenReadAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var target = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (target.ConfigureAwait(false))
            {
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }

        return copy;
    }

    /// <summary>
    /// Copies the staged parts in place (those still staged: the rest were copied before), saves the state, deletes a
    /// full refresh's replaced files, then the record and the staged parts. Every step may be done again.
    /// </summary>
    private async Task ApplyAsync(string work, FilesCommitJournal.Record record, IReadOnlyDictionary<string, long> staged, FilesStateStore states, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(record.Parts, new ParallelOptions { MaxDegreeOfParallelism = Options.ParallelUploads, CancellationToken = cancellationToken }, async (part, ct) =>
        {
            var source = Options.KeyOf(part.Temp);
            if (staged.TryGetValue(source, out var size))
            {
                await store.CopyAsync(source, Options.KeyOf(part.Final), size, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        if (record.State is not null)
        {
            await states.SaveAsync(record.Sync, record.Key, record.State, cancellationToken).ConfigureAwait(false);
        }

        if (record.OldFiles.Count > 0)
        {
            await store.DeleteAsync([.. record.OldFiles.Select(Options.KeyOf)], cancellationToken).ConfigureAwait(false);
        }

        // The record goes first: once it is gone the commit is done, and a staged part left behind is only clutter
        // (deleted with the abandoned ones), never copied in place again over newer files.
        await store.DeleteAsync(Options.KeyOf(work + "/" + FilesCommitJournal.RecordName), cancellationToken).ConfigureAwait(false);
        try
        {
            await store.DeleteAsync([.. staged.Keys], cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorException)
        {
            // Staged parts without a record are deleted by a later recovery once they are a day old.
        }
    }

    /// <summary>Deletes a failed commit's staged objects; says what was left behind (empty when nothing).</summary>
    private async Task<string> DeleteStagedAsync(IReadOnlyCollection<string> keys)
    {
        // The run's token may be cancelled already; the clean-up still gets a bounded chance.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1), time);
        try
        {
            await store.DeleteAsync(keys, timeout.Token).ConfigureAwait(false);
            return ".";
        }
        catch (Exception e) when (e is ConnectorException or OperationCanceledException)
        {
            return $"; the parts uploaded so far could not be deleted ({e.Message.TrimEnd('.')}) and stay under {Options.Display}{FileCatalog.WorkFolderPrefix}…/, hidden from every stream, until a later sync deletes them a day from now.";
        }
    }
}
