using System.Data;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.DuckDb;
using Nagare.Runtime.Access;
using Nagare.Server.Api;
using Nagare.Server.Auth;

namespace Nagare.Server.Apis;

/// <summary>Ad-hoc SQL on the warehouse, checked against the caller's dataset grants after binding.</summary>
public static class QueryApi
{
    /// <summary>The most rows an answer holds.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>A query: SQL, the most rows to return (default 1,000), a timeout (default 60 s, at most 3,600) and the format.</summary>
    public sealed record QueryRequest(string Sql, int? Limit = null, int? TimeoutSeconds = null, string? Format = null);

    /// <summary>A result in JSON.</summary>
    public sealed record QueryResult(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows, long RowCount, bool Truncated);

    /// <summary>A result column.</summary>
    public sealed record ResultColumn(string Name, string Type);

    /// <summary>Maps the endpoint.</summary>
    public static void MapQueryApi(this IEndpointRouteBuilder routes) =>
        routes.Map(new ApiOperation("POST", $"{NagareApi.Prefix}/query", ApiAccess.Analyst, ApiScopes.Query, "query", "Runs SQL on the warehouse (format json, csv or parquet); every table it reads must be granted to the caller's role.", typeof(QueryRequest), typeof(QueryResult),
            Example: new QueryRequest("SELECT region, sum(amount) FROM mart_sales.orders GROUP BY region", 1000, 60, "json")), RunAsync);

    /// <summary>Runs <paramref name="sql"/> for the caller of <paramref name="context"/> and writes the result, or answers why not.</summary>
    internal static async Task<IResult> ExecuteAsync(HttpContext context, string sql, int limit, TimeSpan timeout, string format, string auditTarget)
    {
        var server = HealthApi.Server(context);
        var caller = Caller.Required(context);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timer.CancelAfter(timeout);
        var cancellationToken = timer.Token;
        using var connection = server.Warehouse.Connect();
        var decision = await QueryGuard.CheckAsync(connection, sql, caller.Policy, cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            server.Audit.Record(context, "query", auditTarget, "denied", decision.Reason);
            return Problems.Forbidden(decision.Reason ?? "The query is refused.");
        }

        server.Audit.Record(context, "query", auditTarget, "allowed", decision.Tables.IsDefaultOrEmpty ? null : "reads " + string.Join(", ", decision.Tables));

        // A role with masks or row filters runs its statements as the guard rewrote them.
        sql = decision.Sql ?? sql;
        try
        {
            if (format == "parquet")
            {
                return await ParquetAsync(context, connection, sql, cancellationToken).ConfigureAwait(false);
            }

            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = await command.ExecuteReaderAsync(CommandBehavior.Default, cancellationToken).ConfigureAwait(false);
            if (format == "csv")
            {
                await ResultWriter.WriteCsvAsync(context.Response, reader, limit, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ResultWriter.WriteJsonAsync(context.Response, reader, limit, cancellationToken).ConfigureAwait(false);
            }

            return TypedResults.Empty;
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            server.Audit.Record(context, "query", auditTarget, "failed", "timed out");
            return Problems.Of(StatusCodes.Status408RequestTimeout, "Query timed out", $"The query ran longer than {timeout.TotalSeconds:0} s and was stopped; raise timeout_seconds (at most 3600) or narrow it.", "$.timeout_seconds");
        }
        catch (DuckDbException e) when (!context.Response.HasStarted)
        {
            server.Audit.Record(context, "query", auditTarget, "failed", e.Message);

            // DuckDB may test a query's own conditions on rows before a row filter drops them, and its message then
            // quotes the value ("Could not convert string 'tokyo'…"): a role with filters or masks gets the kind of
            // error only.
            var message = caller.Policy.HasProtections
                ? $"{e.Message.Split(':', 2)[0].Trim()}: the query failed while it ran (details are not shown to roles with row filters or masks; an admin finds them in the audit log)."
                : e.Message;
            return Problems.BadRequest(message, "$.sql");
        }
    }

    private static async Task<IResult> RunAsync(HttpContext context)
    {
        var (body, problem) = await ApiJson.ReadAsync<QueryRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body!.Sql))
        {
            return Problems.BadRequest("sql is empty.", "$.sql");
        }

        if (body.Limit is < 1 or > MaxRows)
        {
            return Problems.BadRequest($"limit must be from 1 to {MaxRows.ToString("N0", CultureInfo.InvariantCulture)}.", "$.limit");
        }

        if (body.TimeoutSeconds is < 1 or > 3600)
        {
            return Problems.BadRequest("timeout_seconds must be from 1 to 3600.", "$.timeout_seconds");
        }

        var format = (body.Format ?? "json").ToLowerInvariant();
        if (format is not ("json" or "csv" or "parquet"))
        {
            return Problems.BadRequest($"format must be json, csv or parquet; got '{body.Format}'.", "$.format");
        }

        return await ExecuteAsync(context, body.Sql, body.Limit ?? 1000, TimeSpan.FromSeconds(body.TimeoutSeconds ?? 60), format, body.Sql).ConfigureAwait(false);
    }

    /// <summary>Writes the whole result (no row limit) as a Parquet file and sends it.</summary>
    private static async Task<IResult> ParquetAsync(HttpContext context, DuckDbConnection connection, string sql, CancellationToken cancellationToken)
    {
        // COPY takes one statement: the query goes in as a subquery, which is only the query the guard checked when
        // the text is one SELECT statement (else the wrapped text could mean something else).
        using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT json_array_length(json_serialize_sql(CAST($1 AS VARCHAR))->'statements')";
            count.Parameters.Add(new DuckDbParameter { Value = sql });
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 1)
            {
                return Problems.BadRequest("Parquet downloads take exactly one SELECT statement.", "$.sql");
            }
        }

        var file = Path.Combine(Path.GetTempPath(), $"nagare-{Guid.NewGuid():N}.parquet");
        try
        {
            using (var copy = connection.CreateCommand())
            {
                copy.CommandText = $"COPY (SELECT * FROM (\n{sql.TrimEnd().TrimEnd(';')}\n)) TO '{file.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
                await copy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            context.Response.ContentType = "application/vnd.apache.parquet";
            context.Response.Headers.ContentDisposition = "attachment; filename=\"result.parquet\"";
            await context.Response.SendFileAsync(file, cancellationToken).ConfigureAwait(false);
            return TypedResults.Empty;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
