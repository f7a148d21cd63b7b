using System.ComponentModel;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Nagare.DuckDb;

/// <summary>
/// SQL run on a <see cref="DuckDbConnection"/>. <see cref="CommandText"/> may hold several
/// statements separated by semicolons; they run in order. A data reader starts on the first
/// statement that returns rows and <see cref="DbDataReader.NextResult"/> runs on to the next one;
/// statements in between (DDL, INSERT, ...) run as they are passed, and statements left when the
/// reader closes still run. Parameters: see <see cref="DuckDbParameterCollection"/>.
/// </summary>
public sealed partial class DuckDbCommand : DbCommand
{
    private string _commandText = "";
    private DuckDbConnection? _connection;
    private StatementBatch? _prepared;
    private int _commandTimeout;

    public DuckDbCommand()
    {
    }

    public DuckDbCommand(string commandText, DuckDbConnection? connection = null)
    {
        _commandText = commandText;
        _connection = connection;
    }

    /// <summary>
    /// Read the session's time zone before each statement runs, for <see cref="DuckDbDataReader.TimeZone"/>: a
    /// statement of the same command (<c>SET TimeZone = ...</c>) may change it. Off by default (one more query per
    /// statement).
    /// </summary>
    public bool CaptureTimeZone { get; set; }

    [AllowNull]
    public override string CommandText
    {
        get => _commandText;
        set
        {
            if (!string.Equals(_commandText, value, StringComparison.Ordinal))
            {
                DropPrepared();
            }

            _commandText = value ?? "";
        }
    }

    /// <summary>
    /// Seconds the whole execution (including reading the rows) may take before DuckDB is
    /// interrupted and a <see cref="DuckDbException"/> is thrown; 0 (the default) means no limit.
    /// </summary>
    public override int CommandTimeout
    {
        get => _commandTimeout;
        set => _commandTimeout = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "The timeout cannot be negative.");
    }

    /// <summary>Only <see cref="CommandType.Text"/> is supported.</summary>
    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new NotSupportedException($"DuckDB commands are SQL text; CommandType.{value} is not supported.");
            }
        }
    }

    [DefaultValue(true)]
    [DesignerSerializationVisibility(DesignerSerializationVisibility.Hidden)]
    public override bool DesignTimeVisible { get; set; } = true;

    public override UpdateRowSource UpdatedRowSource { get; set; } = UpdateRowSource.None;

    public new DuckDbConnection? Connection
    {
        get => _connection;
        set
        {
            if (!ReferenceEquals(_connection, value))
            {
                DropPrepared();
            }

            _connection = value;
        }
    }

    public new DuckDbParameterCollection Parameters { get; } = new();

    public new DuckDbTransaction? Transaction { get; set; }

    protected override DbConnection? DbConnection
    {
        get => Connection;
        set => Connection = (DuckDbConnection?)value;
    }

    protected override DbParameterCollection DbParameterCollection => Parameters;

    protected override DbTransaction? DbTransaction
    {
        get => Transaction;
        set => Transaction = (DuckDbTransaction?)value;
    }

    /// <summary>Interrupts the statement this command's connection is running.</summary>
    public override void Cancel() => _connection?.Interrupt();

    public new DuckDbParameter CreateParameter() => new();

    protected override DbParameter CreateDbParameter() => CreateParameter();

    /// <summary>
    /// Prepares the statements now so that repeated executions (with new parameter values) skip
    /// parsing and planning. A statement that depends on an earlier one of the same command is
    /// prepared when it first runs.
    /// </summary>
    public override void Prepare()
    {
        var connection = OpenConnection();
        connection.EnsureIdle();
        DropPrepared();
        var batch = StatementBatch.Extract(connection.NativeConnection, RequireText());
        try
        {
            batch.PrepareAll();
        }
        catch
        {
            batch.Dispose();
            throw;
        }

        _prepared = batch;
    }

    public override int ExecuteNonQuery() => ExecuteNonQuery(CancellationToken.None);

    public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken)
    {
        return Run(() => ExecuteNonQuery(cancellationToken), cancellationToken);
    }

    public override object? ExecuteScalar() => ExecuteScalar(CancellationToken.None);

    public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken)
    {
        return Run(() => ExecuteScalar(cancellationToken), cancellationToken);
    }

    public new DuckDbDataReader ExecuteReader() => ExecuteReader(CommandBehavior.Default, CancellationToken.None);

    public new DuckDbDataReader ExecuteReader(CommandBehavior behavior) => ExecuteReader(behavior, CancellationToken.None);

    /// <summary>
    /// Runs the command and returns a reader over the first statement that returns rows. Cancelling
    /// <paramref name="cancellationToken"/> interrupts DuckDB, also later while rows are read.
    /// </summary>
    public DuckDbDataReader ExecuteReader(CommandBehavior behavior, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = OpenConnection();
        var ownsBatch = false;
        var batch = _prepared;
        if (batch is null || batch.Connection != connection.NativeConnection)
        {
            DropPrepared();
            connection.EnsureIdle();
            batch = StatementBatch.Extract(connection.NativeConnection, RequireText());
            ownsBatch = true;
        }

        return DuckDbDataReader.Start(this, connection, batch, ownsBatch, behavior, cancellationToken);
    }

    public new Task<DuckDbDataReader> ExecuteReaderAsync(CancellationToken cancellationToken = default) =>
        ExecuteReaderAsync(CommandBehavior.Default, cancellationToken);

    public new Task<DuckDbDataReader> ExecuteReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken = default)
    {
        return Run(() => ExecuteReader(behavior, cancellationToken), cancellationToken);
    }

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => ExecuteReader(behavior);

    protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken) =>
        await ExecuteReaderAsync(behavior, cancellationToken).ConfigureAwait(false);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DropPrepared();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// DuckDB runs statements synchronously (its own threads do the work); the async methods run on the
    /// caller's thread and report failures through the returned task.
    /// </summary>
    private static Task<T> Run<T>(Func<T> execute, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(execute());
        }
        catch (OperationCanceledException e) when (e.CancellationToken == cancellationToken)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private int ExecuteNonQuery(CancellationToken cancellationToken)
    {
        using var reader = ExecuteReader(CommandBehavior.Default, cancellationToken);
        reader.Close();
        return reader.RecordsAffected;
    }

    private object? ExecuteScalar(CancellationToken cancellationToken)
    {
        using var reader = ExecuteReader(CommandBehavior.Default, cancellationToken);
        return reader.Read() && reader.FieldCount > 0 ? reader.GetValue(0) : null;
    }

    private DuckDbConnection OpenConnection()
    {
        var connection = _connection ?? throw new InvalidOperationException("The command has no connection; set Connection first.");
        if (connection.State != ConnectionState.Open)
        {
            throw new InvalidOperationException("The command's connection is not open. Call Open() first.");
        }

        return connection;
    }

    private string RequireText() =>
        string.IsNullOrWhiteSpace(_commandText) ? throw new InvalidOperationException("CommandText is empty.") : _commandText;

    private void DropPrepared()
    {
        _prepared?.Dispose();
        _prepared = null;
    }
}
