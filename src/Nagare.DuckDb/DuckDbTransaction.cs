using System.Data;
using System.Data.Common;

namespace Nagare.DuckDb;

/// <summary>
/// A DuckDB transaction (<c>BEGIN TRANSACTION</c> … <c>COMMIT</c>/<c>ROLLBACK</c>). Disposing it
/// without committing rolls it back. DuckDB gives snapshot isolation.
/// </summary>
public sealed class DuckDbTransaction : DbTransaction
{
    private DuckDbConnection? _connection;

    internal DuckDbTransaction(DuckDbConnection connection, IsolationLevel isolationLevel)
    {
        _connection = connection;
        IsolationLevel = isolationLevel;
    }

    public override IsolationLevel IsolationLevel { get; }

    public new DuckDbConnection? Connection => _connection;

    protected override DbConnection? DbConnection => _connection;

    public override void Commit() => Finish("COMMIT");

    public override void Rollback() => Finish("ROLLBACK");

    /// <summary>Forgets the connection when it closes (closing ends the transaction natively).</summary>
    internal void Abandon() => _connection = null;

    protected override void Dispose(bool disposing)
    {
        if (disposing && _connection is { State: ConnectionState.Open })
        {
            Finish("ROLLBACK");
        }

        base.Dispose(disposing);
    }

    private void Finish(string sql)
    {
        var connection = _connection ?? throw new InvalidOperationException("The transaction has already been committed or rolled back.");
        connection.EnsureIdle();
        _connection = null;
        connection.CurrentTransaction = null;
        connection.ExecuteNative(sql);
    }
}
