using Nagare.DuckDb;

namespace Nagare.Runtime.Activations;

internal sealed partial class ActivationDiff
{
    /// <summary>
    /// Starts, on a second connection to the warehouse, what can run while the records are sent to a destination that
    /// commits once: the key checks (every record has its whole key, no key twice) and, when the snapshot will be the
    /// whole result, the snapshot written in a transaction left open. The destination must not commit before
    /// <see cref="Beside.Checked"/> succeeded; the snapshot commits (<see cref="Beside.CommitSnapshot"/>) only after the
    /// destination did. <paramref name="guard"/> runs the work (it turns warehouse errors into the run's errors);
    /// <paramref name="failed"/> is called when the work fails, to stop the send early.
    /// </summary>
    public Beside StartBeside(ActivationPlan plan, Action<Action> guard, Action failed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(failed);
        var connection = new DuckDbConnection(_db.ConnectionString);
        connection.Open();
        var beside = new Beside(connection);
        beside.Start(() =>
        {
            try
            {
                guard(() =>
                {
                    CheckKeyValues(connection);
                    if (!Key.IsEmpty && SnapshotIsWholeResult(plan))
                    {
                        beside.Transaction = connection.BeginTransaction();
                        WriteSnapshot(connection, plan, null, null);
                    }
                });
            }
            catch
            {
                failed();
                throw;
            }
        });
        return beside;
    }

    /// <summary>The work <see cref="StartBeside"/> started, and its connection.</summary>
    internal sealed class Beside(DuckDbConnection connection) : IAsyncDisposable
    {
        /// <summary>The key checks and the snapshot's statements; faults with the first failure.</summary>
        public Task Checked { get; private set; } = Task.CompletedTask;

        /// <summary>The open transaction holding the written snapshot, or null when the snapshot was not written here.</summary>
        public System.Data.Common.DbTransaction? Transaction { get; set; }

        /// <summary>Commits the snapshot written here; false when there is none (the caller saves it itself).</summary>
        public bool CommitSnapshot()
        {
            if (!Checked.IsCompletedSuccessfully || Transaction is null)
            {
                return false;
            }

            Transaction.Commit();
            return true;
        }

        /// <summary>Waits for the work to end, rolls back a snapshot not committed, and closes the connection.</summary>
        public async ValueTask DisposeAsync()
        {
            await Checked.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Transaction?.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        internal void Start(Action work) => Checked = Task.Run(work);
    }
}
