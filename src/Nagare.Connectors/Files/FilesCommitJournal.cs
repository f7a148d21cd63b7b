using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Files;

/// <summary>
/// Makes a files commit survive a crash. A writer's work folder (<c>.nagare-…</c>) holds a lock file for as long as
/// the writer lives. At commit, before any file is moved, the decision is written to <c>commit.json</c> in the work
/// folder: the parts to move in, the old files to move out (full refresh) and the new state. After a crash, the
/// next use of the destination finds work folders whose lock is free: one with a commit record is rolled forward
/// (remaining moves done, state saved), one without is an abandoned write and is deleted. So readers see the old
/// files with the old state or the new files with the new state, never new files with old state.
/// </summary>
internal static class FilesCommitJournal
{
    public const string RecordName = "commit.json";
    public const string LockName = ".lock";
    public const string OldFolder = "old";
    private static readonly JsonSerializerOptions Json = JsonFormat.IndentedSerializer;

    /// <summary>The commit decision of one stream.</summary>
    /// <param name="Sync">The sync whose state is saved.</param>
    /// <param name="Key">The stream's state key.</param>
    /// <param name="State">The state committed with the files, if any.</param>
    /// <param name="Replace">Full refresh: the new parts replace <paramref name="OldFiles"/>.</param>
    /// <param name="Parts">New parts: path in the work folder → path under the root.</param>
    /// <param name="OldFiles">Full refresh: the previous files (under the root) that the new set replaces.</param>
    public sealed record Record(string Sync, string Key, StreamState? State, bool Replace, List<PartMove> Parts, List<string> OldFiles);

    public sealed record PartMove(string Temp, string Final);

    /// <summary>Holds the work folder's lock until disposed; a crashed process's lock is released by the OS.</summary>
    public static FileStream Lock(string workFolder) =>
        new(Path.Combine(workFolder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    /// <summary>Writes the commit record durably (temporary file written through, then renamed).</summary>
    public static async Task WriteAsync(string workFolder, Record record, CancellationToken cancellationToken)
    {
        var path = Path.Combine(workFolder, RecordName);
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await JsonSerializer.SerializeAsync(stream, record, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the record: the commit is abandoned (nothing was moved, or the moves were undone).</summary>
    public static void Discard(string workFolder) => File.Delete(Path.Combine(workFolder, RecordName));

    /// <summary>Moves the parts in and the old files out, as far as they have not been moved yet.</summary>
    public static void Apply(string root, string workFolder, Record record)
    {
        var finals = new HashSet<string>(record.Parts.Select(p => p.Final), StringComparer.Ordinal);
        if (record.Replace)
        {
            foreach (var old in record.OldFiles)
            {
                var path = Path.Combine(root, old);
                // An old file under a new part's name is only old while that part is still in the work folder.
                var stillOld = !finals.Contains(old) || File.Exists(Path.Combine(workFolder, record.Parts.First(p => p.Final == old).Temp));
                if (stillOld && File.Exists(path))
                {
                    var trash = Path.Combine(workFolder, OldFolder, old);
                    Directory.CreateDirectory(Path.GetDirectoryName(trash)!);
                    File.Move(path, trash, overwrite: true);
                }
            }
        }

        foreach (var part in record.Parts)
        {
            var temp = Path.Combine(workFolder, part.Temp);
            if (File.Exists(temp))
            {
                var target = Path.Combine(root, part.Final);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: record.Replace);
            }
        }
    }

    /// <summary>Finishes or cleans up the work folders of writers that died; live writers' folders are left alone.</summary>
    public static async Task RecoverAsync(string root, FilesStateStore state, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(root, FileCatalog.WorkFolderPrefix + "*"))
        {
            FileStream? held;
            try
            {
                held = Lock(folder);
            }
            catch (IOException)
            {
                continue; // a live writer (this process or another) owns it
            }

            await using (held.ConfigureAwait(false))
            {
                var recordPath = Path.Combine(folder, RecordName);
                if (File.Exists(recordPath))
                {
                    Record? record;
                    await using (var stream = File.OpenRead(recordPath))
                    {
                        record = await JsonSerializer.DeserializeAsync<Record>(stream, Json, cancellationToken).ConfigureAwait(false);
                    }

                    if (record is not null)
                    {
                        Apply(root, folder, record);
                        if (record.State is not null)
                        {
                            await state.SaveAsync(record.Sync, record.Key, record.State, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
