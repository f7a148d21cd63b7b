using Nagare.Connectors.DuckDb;

namespace Nagare.Connectors.Tests.DuckDb;

// Unix permissions and /proc are what the read-only decision and the holder's command line come from.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WarehouseFileTests
{
    private const UnixFileMode ReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Folder = ReadWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode ReadOnlyFolder = ReadOnly | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    [Fact]
    public void IsHeldElsewhere_DuckDbLockError_GivesTheHoldersProcessId()
    {
        const string message = "Could not open DuckDB database '/w/warehouse.duckdb': IO Error: Could not set lock on file \"/w/warehouse.duckdb\": " +
            "Conflicting lock is held in /usr/share/dotnet/dotnet (PID 16288). See also https://duckdb.org/docs/stable/connect/concurrency";

        Assert.True(WarehouseFile.IsHeldElsewhere(message, out var processId));
        Assert.Equal(16288, processId);
    }

    [Fact]
    public void IsHeldElsewhere_LockErrorWithoutProcess_IsHeldWithoutProcessId()
    {
        Assert.True(WarehouseFile.IsHeldElsewhere("IO Error: Could not set lock on file \"/w/warehouse.duckdb\": Resource temporarily unavailable", out var processId));
        Assert.Null(processId);
    }

    [Fact]
    public void IsHeldElsewhere_OtherError_IsNotHeld()
    {
        Assert.False(WarehouseFile.IsHeldElsewhere("IO Error: Cannot open file \"/w/warehouse.duckdb\": Permission denied", out var processId));
        Assert.Null(processId);
    }

    [Fact]
    public void CommandLineOf_ThisProcess_JoinsItsArguments()
    {
        var line = WarehouseFile.CommandLineOf(Environment.ProcessId);

        // The host (dotnet) comes first in /proc; .NET's own list starts with the program it runs.
        var arguments = Environment.GetCommandLineArgs();
        Assert.NotNull(line);
        Assert.Contains(arguments[0], line, StringComparison.Ordinal);
        Assert.EndsWith(string.Join(' ', arguments), line, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLineOf_NoSuchProcess_IsNull() =>
        Assert.Null(WarehouseFile.CommandLineOf(int.MaxValue));

    [Fact]
    public void ReadOnlyReason_WritableFileAndFolder_IsNull() =>
        Assert.Null(WarehouseFile.ReadOnlyReason("w.duckdb", ReadWrite, fileOpensForWriting: true, Folder));

    [Fact]
    public void ReadOnlyReason_FileWithoutWritePermission_SaysItsMode() =>
        Assert.Equal("'w.duckdb' is read-only (mode 0444)", WarehouseFile.ReadOnlyReason("w.duckdb", ReadOnly, fileOpensForWriting: true, Folder));

    [Fact]
    public void ReadOnlyReason_FileOfAnotherUser_SaysThisUserCannotWriteIt() =>
        Assert.Equal("'w.duckdb' is not writable by this user", WarehouseFile.ReadOnlyReason("w.duckdb", ReadWrite, fileOpensForWriting: false, Folder));

    [Fact]
    public void ReadOnlyReason_FolderWithoutWritePermission_SaysTheLogCannotBeKept() =>
        Assert.Equal(
            "the folder of 'w.duckdb' is read-only (mode 0555), so DuckDB cannot keep its write-ahead log there",
            WarehouseFile.ReadOnlyReason("w.duckdb", ReadWrite, fileOpensForWriting: true, ReadOnlyFolder));

    [Fact]
    public void ReadOnlyReason_MissingOrInMemory_IsNull()
    {
        Assert.Null(WarehouseFile.ReadOnlyReason(Path.Combine(Path.GetTempPath(), "nagare-missing-" + Guid.NewGuid().ToString("N"), "w.duckdb")));
        Assert.Null(WarehouseFile.ReadOnlyReason(":memory:"));
    }

    [Fact]
    public void ReadOnlyReason_FileMarkedReadOnly_IsReadOnlyEvenForRoot()
    {
        var path = Path.Combine(Path.GetTempPath(), "nagare-ro-" + Guid.NewGuid().ToString("N") + ".duckdb");
        File.WriteAllText(path, "");
        try
        {
            Assert.Null(WarehouseFile.ReadOnlyReason(path));
            File.SetUnixFileMode(path, ReadOnly);
            Assert.Equal($"'{path}' is read-only (mode 0444)", WarehouseFile.ReadOnlyReason(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
