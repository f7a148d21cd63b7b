namespace Nagare.Runtime.Configuration;

/// <summary>
/// Watches a project folder for changed project files (<c>*.yml</c>, <c>*.yaml</c>) and, once they have been quiet for
/// a moment, calls <c>reload</c>: a server picks up a connection, sync or pipeline edited by hand without a restart.
/// Folders Nagare writes itself (<c>.nagare</c>, <c>target</c>, <c>dbt_packages</c>, <c>logs</c>) and hidden ones are
/// not watched. A reload that fails (nagare.yml broken) is said through <c>log</c>; the caller keeps the project it had.
/// </summary>
public sealed class ProjectWatcher : IDisposable
{
    private static readonly string[] Ignored = [".nagare", "target", "dbt_packages", "logs", "node_modules"];

    private readonly FileSystemWatcher watcher;
    private readonly Func<CancellationToken, Task> reload;
    private readonly Action<string>? log;
    private readonly TimeProvider time;
    private readonly TimeSpan quiet;
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim changed = new(0);
    private readonly Task loop;
    private long lastChange;
    private int reloads;

    /// <summary>Starts watching <paramref name="root"/>.</summary>
    /// <param name="root">The project folder.</param>
    /// <param name="reload">Reads the project again; an exception is logged, not thrown.</param>
    /// <param name="log">Where to say what was reloaded or why it could not be.</param>
    /// <param name="time">The clock the quiet period is measured on.</param>
    /// <param name="quiet">How long no file may change before the reload (an editor writes a file in several steps).</param>
    /// <exception cref="IOException">The folder cannot be watched (for example, too many watches on this machine).</exception>
    public ProjectWatcher(string root, Func<CancellationToken, Task> reload, Action<string>? log, TimeProvider time, TimeSpan? quiet = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        this.reload = reload ?? throw new ArgumentNullException(nameof(reload));
        this.log = log;
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.quiet = quiet ?? TimeSpan.FromMilliseconds(500);
        Root = Path.GetFullPath(root);
        watcher = new FileSystemWatcher(Root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Changed += OnEvent;
        watcher.Created += OnEvent;
        watcher.Deleted += OnEvent;
        watcher.Renamed += (_, e) =>
        {
            if (Matters(e.OldFullPath) || Matters(e.FullPath))
            {
                Changed();
            }
        };
        // Events were lost (too many changes at once, a git checkout): read the project again rather than miss one.
        watcher.Error += (_, _) => Changed();
        watcher.EnableRaisingEvents = true;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    /// <summary>The watched folder.</summary>
    public string Root { get; }

    /// <summary>How many reloads have run (whether they succeeded or not).</summary>
    public int Reloads => Volatile.Read(ref reloads);

    /// <summary>Stops watching; a reload under way is cancelled.</summary>
    public void Dispose()
    {
        watcher.EnableRaisingEvents = false;
        watcher.Dispose();
        stop.Cancel();
        try
        {
            loop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
        changed.Dispose();
    }

    /// <summary>Whether a change to <paramref name="path"/> can change the project: a YAML file outside the folders Nagare writes.</summary>
    internal bool Matters(string path)
    {
        if (!path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var relative = Path.GetRelativePath(Root, path);
        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return parts.Length > 0 && parts[0] != ".." && !parts.Take(parts.Length - 1).Any(p => p.StartsWith('.') || Ignored.Contains(p, StringComparer.Ordinal));
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (Matters(e.FullPath))
        {
            Changed();
        }
    }

    private void Changed()
    {
        Interlocked.Exchange(ref lastChange, time.GetTimestamp());
        changed.Release();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);

            // Wait until the files have been quiet for a moment: one reload for an editor's several writes.
            while (time.GetElapsedTime(Interlocked.Read(ref lastChange)) is var since && since < quiet)
            {
                await Task.Delay(quiet - since, time, cancellationToken).ConfigureAwait(false);
            }

            while (changed.CurrentCount > 0)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await reload(cancellationToken).ConfigureAwait(false);
                log?.Invoke("project files changed: read again");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log?.Invoke($"project files changed, but they cannot be read; the project in use stays as it was: {e.Message}");
            }
            finally
            {
                Interlocked.Increment(ref reloads);
            }
        }
    }
}
