using System.Data.Common;
using System.Globalization;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Common;

/// <summary>The ADO.NET side of <see cref="ISqlStatements"/>, the same for every SQL connector.</summary>
internal static class SqlStatements
{
    public static async Task<long> ExecuteAsync(DbConnection connection, string sql, string connectionName, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // A person's SQL, run on their own connection: that is the point of a sql step.
        command.CommandText = sql;
#pragma warning restore CA2100
        try
        {
            var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return Math.Max(rows, 0);
        }
        catch (DbException e)
        {
            throw new ConnectorException($"SQL failed on connection {connectionName}: {e.Message}", e) { Connection = connectionName };
        }
    }

    public static async Task<T> ReadQueryAsync<T>(DbConnection connection, string sql, Func<DbDataReader, CancellationToken, Task<T>> consume, string connectionName, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The step's own query, on its own connection.
        command.CommandText = sql;
#pragma warning restore CA2100
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new ConnectorException($"Query failed on connection {connectionName}: {e.Message}", e) { Connection = connectionName };
        }

        await using (reader.ConfigureAwait(false))
        {
            return await consume(reader, cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<IReadOnlyList<string>> QueryColumnAsync(DbConnection connection, string sql, int limit, string connectionName, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // As above: the step's own query.
        command.CommandText = sql;
#pragma warning restore CA2100
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var values = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (values.Count == limit)
                {
                    throw new ConnectorException($"The query on connection {connectionName} returned more than {limit:N0} rows; narrow it.") { Connection = connectionName };
                }

                values.Add(reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) ?? string.Empty);
            }

            return values;
        }
        catch (DbException e)
        {
            throw new ConnectorException($"Query failed on connection {connectionName}: {e.Message}", e) { Connection = connectionName };
        }
    }
}
