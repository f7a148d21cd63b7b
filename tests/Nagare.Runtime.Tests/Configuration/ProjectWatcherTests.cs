using System.Collections.Concurrent;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Tests.Configuration;

/// <summary>The project folder watched by a real file-system watcher: hand edits of project files are read again.</summary>
public sealed class ProjectWatcherTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "nagare-watch-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ConcurrentQueue<string> _log = new();

    public ProjectWatcherTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "pipelines"));
        Directory.CreateDirectory(Path.Combine(_root, ".nagare"));
        Directory.CreateDirectory(Path.Combine(_root, "target"));
    }

    [Fact]
    public async Task ProjectFileWritten_ReloadsOnceAfterTheWritesAreQuiet()
    {
        var reloads = 0;
        using var watcher = Watch(_ => { Interlocked.Increment(ref reloads); return Task.CompletedTask; });

        // An editor's save is several writes: they make one reload.
        var file = Path.Combine(_root, "pipelines", "daily.yml");
        await File.WriteAllTextAsync(file, "name: daily\n");
        await File.AppendAllTextAsync(file, "steps: []\n");
        await UntilAsync(() => watcher.Reloads >= 1, "a reload");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(1, Volatile.Read(ref reloads));
        Assert.Contains("project files changed: read again", _log);
    }

    [Fact]
    public async Task FilesNagareWritesItself_ReloadNothing()
    {
        using var watcher = Watch(_ => Task.CompletedTask);

        await File.WriteAllTextAsync(Path.Combine(_root, ".nagare", "server.yml"), "x: 1\n");
        await File.WriteAllTextAsync(Path.Combine(_root, "target", "run_results.yml"), "x: 1\n");
        await File.WriteAllTextAsync(Path.Combine(_root, "pipelines", "notes.txt"), "not a project file\n");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(0, watcher.Reloads);
    }

    [Fact]
    public async Task ReloadFails_SaysWhyAndKeepsWatching()
    {
        var calls = 0;
        using var watcher = Watch(_ => Interlocked.Increment(ref calls) == 1
            ? throw new ConfigException("nagare.yml:1:1: name: missing")
            : Task.CompletedTask);

        await File.WriteAllTextAsync(Path.Combine(_root, "nagare.yml"), "nme: x\n");
        await UntilAsync(() => watcher.Reloads >= 1, "the failed reload");
        await File.WriteAllTextAsync(Path.Combine(_root, "nagare.yml"), "name: x\n");
        await UntilAsync(() => watcher.Reloads >= 2, "the next reload");

        Assert.Contains(_log, l => l.StartsWith("project files changed, but they cannot be read; the project in use stays as it was: ", StringComparison.Ordinal) && l.Contains("name: missing", StringComparison.Ordinal));
        Assert.Contains("project files changed: read again", _log);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ProjectWatcher Watch(Func<CancellationToken, Task> reload) =>
        new(_root, reload, _log.Enqueue, TimeProvider.System, TimeSpan.FromMilliseconds(200));

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"{what} did not happen within {Patience}");
            await Task.Delay(50);
        }
    }
}
