using System.Globalization;
using System.Text;

namespace Nagare.Cli.Output;

/// <summary>
/// The log file of one command run under the project's <c>.nagare/logs/</c>: one timestamped line per event, written
/// as it happens (a killed run keeps what it logged). Opening one deletes the project's logs older than the
/// retention.
/// </summary>
internal sealed class RunLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    private RunLog(string path, StreamWriter writer, TimeProvider time)
    {
        Path = path;
        _writer = writer;
        _time = time;
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>The folder holding a project's logs.</summary>
    private static string Folder(string projectRoot) => System.IO.Path.Combine(projectRoot, ".nagare", "logs");

    /// <summary>
    /// Starts the log of <paramref name="command"/> (e.g. <c>sync orders</c>) in <paramref name="projectRoot"/>, or returns
    /// null when the folder cannot be written (a log is a help, never a reason for a run to fail).
    /// </summary>
    public static RunLog? Start(string projectRoot, string command, TimeProvider time, int retentionDays = Runtime.Configuration.ProjectDefaults.DefaultLogRetentionDays)
    {
        var folder = Folder(projectRoot);
        var now = time.GetUtcNow();
        try
        {
            Directory.CreateDirectory(folder);
            Prune(folder, now - TimeSpan.FromDays(retentionDays));
            var name = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd'T'HHmmss'Z'}-{Slug(command)}");
            var path = System.IO.Path.Combine(folder, name + ".log");
            for (var n = 2; File.Exists(path); n++)
            {
                path = System.IO.Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{name}-{n}.log"));
            }

            var writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
            var log = new RunLog(path, writer, time);
            log.Write($"nagare {command}");
            return log;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Appends one line, prefixed with the UTC time.</summary>
    public void Write(string line)
    {
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {line}"));
            }
            catch (IOException)
            {
                // A full disk must not stop the run the log describes.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private static void Prune(string folder, DateTimeOffset before)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.log"))
        {
            if (File.GetLastWriteTimeUtc(file) < before.UtcDateTime)
            {
                File.Delete(file);
            }
        }
    }

    private static string Slug(string command)
    {
        var slug = new StringBuilder(command.Length);
        foreach (var c in command)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return slug.Length > 80 ? slug.ToString(0, 80) : slug.ToString();
    }
}
