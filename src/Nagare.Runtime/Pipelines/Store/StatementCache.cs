using System.Data.Common;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>
/// Commands of one connection by SQL text, kept prepared: the store runs the same few dozen statements for every task,
/// and preparing each again was a good part of a task's cost.
/// </summary>
internal sealed class StatementCache : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);

    public DbCommand Get(DbConnection connection, string sql)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
#pragma warning disable CA2100 // The SQL texts are constants of this assembly; values always travel as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            commands[sql] = command;
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        commands.Clear();
    }
}
