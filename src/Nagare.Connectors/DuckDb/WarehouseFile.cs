using Nagare.Core.Connectors;
using System.Globalization;
using System.Text.RegularExpressions;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

/// <summary>
/// How every opener of the warehouse file opens it: with the same settings, so any of them may be the one that
/// creates it, and with the same answer when another process holds it.
/// </summary>
public static partial class WarehouseFile
{
    /// <summary>The first pause before trying a held file again; each next pause doubles, up to <see cref="LongestRetryDelay"/>.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between tries: a file freed during a long wait is taken within this.</summary>
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The oldest DuckDB release that can open a warehouse file this version creates. DuckDB otherwise writes files
    /// that v0.10 can read, and converting each column's distinct-count sketch to that old format at every checkpoint
    /// was most of the checkpoint's time for many small tables (2,000 tables of 100 rows: 4.8 s against 1.7 s).
    /// DuckDB reads this and the block size only when it creates a file: existing files keep theirs.
    /// </summary>
    public const string StorageVersion = "v1.4.0";

    /// <summary>
    /// The block size of a new warehouse file. A table takes at least one block: with DuckDB's default of 256 KB,
    /// 2,000 tables of 100 rows made a 550 MB file and held 800 MB of memory; with 64 KB, 134 MB and 420 MB, for
    /// 10–20 % more time loading one 5M-row table (16 KB: 35 MB and 340 MB, and slower still on big tables). A project
    /// sets its own with <c>warehouse_block_size</c> in nagare.yml (<c>block_size</c> for other DuckDB connections).
    /// </summary>
    public const int BlockSize = 65_536;

    /// <summary>The default <c>compression</c>: DuckDB chooses among all its methods for each column segment.</summary>
    public const string AutoCompression = "auto";

    /// <summary>
    /// The <c>compression</c> that leaves out DuckDB's FSST string compression (<c>fsst</c>, <c>dict_fsst</c>). DuckDB
    /// 1.5 compresses text only that way, so text is then stored uncompressed; numbers keep their methods. Building an
    /// FSST symbol table for every segment of every text column was most of DuckDB's CPU storing a table of unique
    /// text (5M rows, two such columns: 7.1 CPU s, 1.9 without), for a file twice as big (241 → 525 MB); text that
    /// repeats grows far more and is no faster to store (pgbench's blank-padded <c>filler</c>).
    /// </summary>
    public const string LightCompression = "light";

    /// <summary>Applies the settings to <paramref name="builder"/>, with <paramref name="blockSize"/> instead of <see cref="BlockSize"/> when given.</summary>
    /// <exception cref="ArgumentException">The block size is not one DuckDB takes.</exception>
    public static DuckDbConnectionStringBuilder Apply(DuckDbConnectionStringBuilder builder, int? blockSize = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var size = blockSize ?? BlockSize;
        if (BlockSizeProblem(size) is { } problem)
        {
            throw new ArgumentException("The warehouse block size " + problem, nameof(blockSize));
        }

        builder["storage_compatibility_version"] = StorageVersion;
        builder["default_block_size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return builder;
    }

    /// <summary>
    /// Sets <paramref name="compression"/> (null: <see cref="AutoCompression"/>) on the database <paramref name="connection"/>
    /// belongs to. DuckDB ignores its list of disabled compression methods when given at open, so this runs after.
    /// </summary>
    /// <exception cref="ArgumentException">The compression is not a warehouse compression.</exception>
    public static void ApplyCompression(DuckDbConnection connection, string? compression)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (compression is null or AutoCompression)
        {
            return;
        }

        if (CompressionProblem(compression) is { } problem)
        {
            throw new ArgumentException("The warehouse compression " + problem, nameof(compression));
        }

        connection.ExecuteNonQuery("SET GLOBAL disabled_compression_methods = 'fsst,dict_fsst'");
    }

    /// <summary>Why <paramref name="compression"/> is not a warehouse compression, for a configuration error after the key's name; null when it is.</summary>
    public static string? CompressionProblem(string compression) =>
        compression is AutoCompression or LightCompression ? null : $"must be {AutoCompression} or {LightCompression}, found '{compression}'";

    /// <summary>
    /// Why DuckDB would not take <paramref name="size"/> as a block size (it takes a power of two from 16 KB to
    /// 256 KB), for a configuration error after the key's name; null when it would.
    /// </summary>
    public static string? BlockSizeProblem(int size) =>
        size is >= 16_384 and <= 262_144 && int.IsPow2(size) ? null : $"must be a power of two from 16384 to 262144, found {size}";

    /// <summary>
    /// Opens a connection to the DuckDB database of <paramref name="builder"/> (read-only when <paramref name="options"/>
    /// say so). While another process holds the file, tries again with growing pauses for up to
    /// <see cref="WarehouseOpenOptions.Wait"/>, then throws <see cref="WarehouseLockedException"/> naming that process.
    /// The caller disposes the connection.
    /// </summary>
    /// <exception cref="WarehouseLockedException">Another process still holds the file.</exception>
    /// <exception cref="DuckDbException">DuckDB could not open the database for another reason.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public static DuckDbConnection Open(DuckDbConnectionStringBuilder builder, WarehouseOpenOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= WarehouseOpenOptions.Default;
        if (options.ReadOnly)
        {
            builder.ReadOnly = true;
        }

        var connectionString = builder.ConnectionString;
        var started = options.Time.GetTimestamp();
        var delay = FirstRetryDelay;
        while (true)
        {
            var connection = new DuckDbConnection(connectionString);
            try
            {
                connection.Open();
                return connection;
            }
            catch (DuckDbException e) when (IsHeldElsewhere(e.Message, out var processId))
            {
                connection.Dispose();
                var waited = options.Time.GetElapsedTime(started);
                var left = options.Wait - waited;
                if (left <= TimeSpan.Zero)
                {
                    // The wait asked for, not the time measured: a last try on a busy machine can end well past it, and
                    // "after waiting 2 s" for --wait 1 reads like a wrong option.
                    throw new WarehouseLockedException(
                        builder.DataSource, processId, processId is { } pid ? CommandLineOf(pid) : null, options.Wait > TimeSpan.Zero ? options.Wait : TimeSpan.Zero, e);
                }

                cancellationToken.WaitHandle.WaitOne(left < delay ? left : delay);
                cancellationToken.ThrowIfCancellationRequested();
                delay = delay * 2 < LongestRetryDelay ? delay * 2 : LongestRetryDelay;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Whether DuckDB's error <paramref name="message"/> says another process holds the file's lock, and that
    /// process's id when the message names it ("Conflicting lock is held in /usr/bin/dotnet (PID 4242)").
    /// </summary>
    internal static bool IsHeldElsewhere(string message, out int? processId)
    {
        processId = null;
        if (!message.Contains("Could not set lock on file", StringComparison.Ordinal))
        {
            return false;
        }

        if (HolderPattern().Match(message) is { Success: true } match &&
            int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            processId = pid;
        }

        return true;
    }

    /// <summary>The command line of process <paramref name="processId"/> from /proc, or null where there is none to read.</summary>
    internal static string? CommandLineOf(int processId)
    {
        try
        {
            // Arguments are separated, and ended, by NUL bytes.
            var raw = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/cmdline"));
            var line = string.Join(' ', raw.Split('\0', StringSplitOptions.RemoveEmptyEntries));
            return line.Length == 0 ? null : line;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, the process has ended, or it is not ours to look at: the process id alone must do.
            return null;
        }
    }

    /// <summary>
    /// Why a command that only reads should open <paramref name="path"/> read-only: the file, or its folder (where
    /// DuckDB creates and deletes the write-ahead log), is not writable. Null when it is, when the file does not
    /// exist, and for in-memory databases.
    /// </summary>
    public static string? ReadOnlyReason(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.StartsWith(':') || OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return null;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return ReadOnlyReason(path, File.GetUnixFileMode(path), OpensForWriting(path), File.GetUnixFileMode(folder));
    }

    /// <summary>
    /// The decision of <see cref="ReadOnlyReason(string)"/>. A file or folder without any write permission is taken
    /// as marked read-only by its owner even where this user could write it anyway (root); a file with some write
    /// permission is read-only when this user cannot open it for writing.
    /// </summary>
    internal static string? ReadOnlyReason(string path, UnixFileMode fileMode, bool fileOpensForWriting, UnixFileMode folderMode)
    {
        const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        if ((fileMode & AnyWrite) == 0)
        {
            return $"'{path}' is read-only (mode {Octal(fileMode)})";
        }

        if (!fileOpensForWriting)
        {
            return $"'{path}' is not writable by this user";
        }

        return (folderMode & AnyWrite) == 0
            ? $"the folder of '{path}' is read-only (mode {Octal(folderMode)}), so DuckDB cannot keep its write-ahead log there"
            : null;
    }

    private static bool OpensForWriting(string path)
    {
        try
        {
            // Opening without truncating changes nothing in the file.
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0b111_111_111, 8).PadLeft(4, '0');

    [GeneratedRegex(@"\(PID (?<pid>[0-9]+)\)")]
    private static partial Regex HolderPattern();
}
