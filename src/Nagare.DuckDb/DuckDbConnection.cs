using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb;

/// <summary>
/// An ADO.NET connection to a DuckDB database. Connections to the same file share one database
/// instance; use one connection per thread (DuckDB connections are not thread-safe).
/// </summary>
public sealed partial class DuckDbConnection : DbConnection
{
    private string _connectionString = "";
    private DuckDbDatabase? _database;
    private DuckDbConnectionHandle? _handle;
    private ConnectionState _state = ConnectionState.Closed;

    public DuckDbConnection()
    {
    }

    public DuckDbConnection(string connectionString)
    {
        _connectionString = connectionString;
    }

    [AllowNull]
    public override string ConnectionString
    {
        get => _connectionString;
        set
        {
            if (_state != ConnectionState.Closed)
            {
                throw new InvalidOperationException("The connection string cannot change while the connection is open.");
            }

            _connectionString = value ?? "";
        }
    }

    public override string Database => "main";

    public override string DataSource => new DuckDbConnectionStringBuilder(_connectionString).DataSource;

    public override string ServerVersion => DuckDbLibrary.Version;

    public override ConnectionState State => _state;

    /// <summary>The native connection; throws when the connection is not open.</summary>
    internal DuckDbConnectionHandle NativeConnection =>
        _handle ?? throw new InvalidOperationException("The connection is not open. Call Open() first.");

    public override void ChangeDatabase(string databaseName) =>
        throw new NotSupportedException("DuckDB connections work on one database; ATTACH other files with SQL instead.");

    public override void Open()
    {
        if (_state == ConnectionState.Open)
        {
            throw new InvalidOperationException("The connection is already open.");
        }

        var settings = new DuckDbConnectionStringBuilder(_connectionString);
        var database = DuckDbDatabase.Acquire(settings);
        try
        {
            if (NativeMethods.duckdb_connect(database.Handle.DangerousGetHandle(), out var connection) != DuckDbState.Success)
            {
                throw new DuckDbException($"Could not connect to DuckDB database '{settings.DataSource}'.");
            }

            _handle = new DuckDbConnectionHandle(connection);
            _database = database;
            _state = ConnectionState.Open;
        }
        catch
        {
            database.Release();
            throw;
        }
    }

    public override void Close()
    {
        if (_state == ConnectionState.Closed)
        {
            return;
        }

        OnClosingCommands();
        OnClosing();
        _handle?.Dispose();
        _handle = null;
        _database?.Release();
        _database = null;
        _state = ConnectionState.Closed;
    }

    /// <summary>
    /// Runs SQL (one or more statements) and discards any result. For internal plumbing;
    /// callers use <see cref="DbCommand"/>.
    /// </summary>
    internal unsafe void ExecuteNative(string sql)
    {
        using var result = new DuckDbResultHandle();
        if (NativeMethods.duckdb_query(NativeConnection.DangerousGetHandle(), sql, result.Pointer) != DuckDbState.Success)
        {
            throw new DuckDbException(Marshal.PtrToStringUTF8(NativeMethods.duckdb_result_error(result.Pointer)) ?? "DuckDB query failed.");
        }
    }

    /// <summary>The first value of a one-row query as text, or null. For internal plumbing between statements of a reader.</summary>
    internal unsafe string? QueryTextNative(string sql)
    {
        using var result = new DuckDbResultHandle();
        if (NativeMethods.duckdb_query(NativeConnection.DangerousGetHandle(), sql, result.Pointer) != DuckDbState.Success)
        {
            throw new DuckDbException(Marshal.PtrToStringUTF8(NativeMethods.duckdb_result_error(result.Pointer)) ?? "DuckDB query failed.");
        }

        var text = NativeMethods.duckdb_value_varchar(result.Pointer, 0, 0);
        try
        {
            return Marshal.PtrToStringUTF8(text);
        }
        finally
        {
            NativeMethods.duckdb_free((void*)text);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    /// <summary>Hook for objects bound to this connection (readers, appenders) to finish before it closes.</summary>
    partial void OnClosing();

    /// <summary>Hook for open data readers and transactions to end before the connection closes.</summary>
    partial void OnClosingCommands();
}
