using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nagare.Connectors.MySql;
using Nagare.Connectors.Postgres;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;

namespace Nagare.Bench;

/// <summary>
/// The replication benchmarks' Nagare side where the CLI cannot express a case: a sync run through the same
/// <see cref="SyncRunner"/> the CLI uses (with every built-in connector type registered), and the PostgreSQL
/// and MySQL sources alone, and MySqlConnector alone.
/// </summary>
internal static class ReplicationCases
{
    /// <summary>The built-in types plus the warehouse type, so a sync can name any of them.</summary>
    private static ConnectorRegistry Registry() =>
        new(BuiltInConnectors.All.Concat(BuiltInConnectors.All.Any(t => t.Name == "duckdb") ? [] : [DuckDbConnectorType.Type]));

    /// <summary><c>sync PROJECT NAME [THREADS]</c>: one sync run; prints the summary as JSON lines.</summary>
    public static async Task<int> SyncAsync(string project, string name, int? threads)
    {
        var config = ProjectLoader.Load(project, Registry());
        var runner = new SyncRunner(config, Registry(), TimeProvider.System);
        var summary = await runner.RunAsync(name, new SyncRunOptions(Threads: threads), CancellationToken.None).ConfigureAwait(false);
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"sync":"{{name}}","succeeded":{{(summary.Succeeded ? "true" : "false")}},"seconds":{{summary.Seconds}},"rows_written":{{summary.RowsWritten}},"peak_rss_mb":{{PeakRss.Megabytes()}},"streams":[""");
        for (var i = 0; i < summary.Streams.Length; i++)
        {
            var s = summary.Streams[i];
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{"stream":"{{s.Stream}}","rows_written":{{s.RowsWritten}},"seconds":{{s.Seconds}},"status":"{{s.Status}}"}""");
        }

        json.Append("]}");
        Console.WriteLine(json.ToString());
        foreach (var failed in summary.Streams.Where(s => s.Status != StreamStatus.Succeeded).Take(3))
        {
            Console.Error.WriteLine($"{failed.Stream}: {failed.Message}");
        }

        return summary.Succeeded ? 0 : 1;
    }

    /// <summary>
    /// <c>pg-read CONNSTRING SCHEMA TABLE</c>: the PostgreSQL source alone, every batch discarded. Reports the
    /// time spent waiting inside the source (COPY receive + decode) and the batches' count.
    /// </summary>
    public static async Task<int> PostgresReadAsync(string connectionString, string schema, string table)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        await using var connection = new PostgresConnection("bench", new PostgresConnectorOptions
        {
            Host = builder.Host!,
            Port = builder.Port,
            Database = builder.Database!,
            User = builder.Username!,
        });
        var stream = await FindAsync(connection, schema, table).ConfigureAwait(false);
        return stream is null ? 1 : await DrainAsync(connection, stream).ConfigureAwait(false);
    }

    /// <summary><c>my-read CONNSTRING SCHEMA TABLE</c>: the MySQL/MariaDB source alone, every batch discarded.</summary>
    public static async Task<int> MySqlReadAsync(string connectionString, string schema, string table)
    {
        var builder = new MySqlConnector.MySqlConnectionStringBuilder(connectionString);
        await using var connection = new MySqlServerConnection("bench", new MySqlConnectorOptions
        {
            Host = builder.Server,
            Port = (int)builder.Port,
            Database = builder.Database,
            User = builder.UserID,
            Password = builder.Password,
        });
        var stream = await FindAsync(connection, schema, table).ConfigureAwait(false);
        return stream is null ? 1 : await DrainAsync(connection, stream).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>my-driver-read CONNSTRING SQL</c>: MySqlConnector alone, the floor of any client built on it: one query, every
    /// row read with the synchronous <c>Read()</c> and every value with its typed getter, nothing kept.
    /// </summary>
    public static int MySqlDriverRead(string connectionString, string sql)
    {
        using var connection = new MySqlConnector.MySqlConnection(connectionString);
        connection.Open();
        using var command = new MySqlConnector.MySqlCommand(sql, connection);
        var watch = Stopwatch.StartNew();
        using var reader = command.ExecuteReader();
        var kinds = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToArray();
        long rows = 0;
        long sum = 0;
        while (reader.Read())
        {
            for (var c = 0; c < kinds.Length; c++)
            {
                if (reader.IsDBNull(c))
                {
                    continue;
                }

                sum += kinds[c] == typeof(int) ? reader.GetInt32(c)
                    : kinds[c] == typeof(long) ? reader.GetInt64(c)
                    : kinds[c] == typeof(string) ? reader.GetString(c).Length
                    : reader.GetValue(c).GetHashCode();
            }

            rows++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"impl":"mysqlconnector","rows":{{rows}},"checksum":{{sum}},"seconds":{{watch.Elapsed.TotalSeconds}},"peakRssMb":{{PeakRss.Megabytes()}}}"""));
        return 0;
    }

    private static async Task<StreamSchema?> FindAsync(ISource connection, string schema, string table)
    {
        StreamSchema? stream = null;
        await foreach (var found in connection.DiscoverAsync(new DiscoverRequest([schema], $"{schema}.{table}"), CancellationToken.None).ConfigureAwait(false))
        {
            if (found.Id.Name == table)
            {
                stream = found;
            }
        }

        if (stream is null)
        {
            Console.Error.WriteLine($"{schema}.{table} not found");
        }

        return stream;
    }

    private static async Task<int> DrainAsync(ISource connection, StreamSchema stream)
    {
        var watch = Stopwatch.StartNew();
        long rows = 0;
        long batches = 0;
        await foreach (var batch in connection.ReadAsync(new ReadRequest(stream, []), CancellationToken.None).ConfigureAwait(false))
        {
            rows += batch.RowCount;
            batches++;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"impl":"nagare-source","rows":{{rows}},"batches":{{batches}},"seconds":{{seconds}},"peakRssMb":{{PeakRss.Megabytes()}}}"""));
        return 0;
    }
}
