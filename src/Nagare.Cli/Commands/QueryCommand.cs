using System.CommandLine;
using Nagare.Cli.Output;
using Nagare.Cli.Remote;
using Nagare.Core;
using Nagare.DuckDb;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Configuration;
using Nagare.Server.Apis;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare query "SQL" [--db PATH] [--format table|csv|json] [--read-only] [--wait [SECONDS]]</c>.</summary>
public static class QueryCommand
{
    /// <summary>The default warehouse, relative to the working folder.</summary>
    public const string DefaultDatabase = ProjectDefaults.WarehousePath;

    public static Command Create(CliContext context)
    {
        var sql = new Argument<string>("sql") { Description = "SQL to run (several statements allowed; the last result is shown)." };
        var db = new Option<string?>("--db")
        {
            Description = $"DuckDB database file, or :memory:. Default: the warehouse of the project's nagare.yml, else {DefaultDatabase}.",
        };
        var project = ProjectOption.Create();
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var limit = new Option<int>("--max-rows")
        {
            Description = "Rows shown in table format (csv and json print all).",
            DefaultValueFactory = _ => 100,
        };

        var timeZone = new Option<string?>("--timezone")
        {
            Description = "Session time zone (IANA name, e.g. Asia/Tokyo): how TIMESTAMPTZ values are shown and naive timestamps cast. Default: timezone: of nagare.yml, else DuckDB's (the system's).",
        };
        var server = new Option<string?>("--server")
        {
            Description = $"Run the SQL on the server at this URL (with an API token in {ServerClient.TokenVariable}). Default: the server running for the project, if any (it owns the warehouse), else the warehouse file itself.",
        };
        var warehouse = new WarehouseOptions();
        var command = new Command("query", "Run SQL against the warehouse and print the result.") { sql, db, format, limit, timeZone, project, server };
        warehouse.AddReadOnly(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(db) is null && ServerClient.Find(parse.GetValue(server), Path.GetFullPath(parse.GetValue(project)!)) is { } client)
            {
                using (client)
                {
                    return await QueryServerAsync(client, parse.GetValue(sql)!, ResultWriter.For(parse.GetValue(format)!, context, parse.GetValue(limit)), context, cancellationToken).ConfigureAwait(false);
                }
            }

            var path = parse.GetValue(db) ?? ProjectLoader.WarehousePath(parse.GetValue(project)!) ?? DefaultDatabase;
            using var connection = OpenWarehouse(path, parse, context, warehouse, cancellationToken);
            var writer = ResultWriter.For(parse.GetValue(format)!, context, parse.GetValue(limit));
            if ((parse.GetValue(timeZone) ?? ProjectLoader.TimeZone(parse.GetValue(project)!)) is { } zone)
            {
                SetTimeZone(connection, zone);
            }

            using var cmd = connection.CreateCommand();
            cmd.CommandText = parse.GetValue(sql);
            // The SQL may SET TimeZone itself; values are shown in the zone in force when the result's statement ran.
            cmd.CaptureTimeZone = true;
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(reader, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Runs the SQL on the server that owns the warehouse: it checks the caller's grants and answers with the rows.</summary>
    private static async Task<int> QueryServerAsync(ServerClient client, string sql, ResultWriter writer, CliContext context, CancellationToken cancellationToken)
    {
        using var reader = (RemoteResultReader)await client.QueryAsync(sql, QueryApi.MaxRows, cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(reader, cancellationToken).ConfigureAwait(false);
        if (reader.Truncated)
        {
            await context.Error.WriteLineAsync($"note: the server sends at most {QueryApi.MaxRows:N0} rows; the result had more.").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static void SetTimeZone(DuckDbConnection connection, string zone)
    {
        try
        {
            connection.ExecuteNonQuery($"SET TimeZone = '{zone.Replace("'", "''", StringComparison.Ordinal)}'");
        }
        catch (DuckDbException e)
        {
            throw new NagareException($"Unknown time zone '{zone}': {e.Message}") { Hint = "Use an IANA name such as Asia/Tokyo, Europe/Berlin or UTC." };
        }
    }

    /// <summary>Opens an existing warehouse file (or <c>:memory:</c>) as <paramref name="warehouse"/>'s options say; a missing file is a user error.</summary>
    private static DuckDbConnection OpenWarehouse(string path, ParseResult parse, CliContext context, WarehouseOptions warehouse, CancellationToken cancellationToken)
    {
        if (!path.StartsWith(":memory:", StringComparison.Ordinal) && !File.Exists(path))
        {
            throw new NagareException($"No database at '{path}'.")
            {
                Hint = path == DefaultDatabase
                    ? "Run './nagare demo' to create the demo warehouse, or pass --db PATH."
                    : "Check the path, or pass --db :memory: for a scratch database.",
            };
        }

        return Warehouse.Open(path, warehouse.ForReading(parse, context, path), cancellationToken);
    }
}
