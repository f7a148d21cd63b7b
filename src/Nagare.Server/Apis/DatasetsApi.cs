using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nagare.Runtime.Access;
using Nagare.Server.Api;
using Nagare.Server.Auth;

namespace Nagare.Server.Apis;

/// <summary>Datasets (warehouse schemas) the caller may read, their tables with columns and row counts, and previews.</summary>
public static class DatasetsApi
{
    /// <summary>A dataset as listed.</summary>
    public sealed record DatasetView(string Name, string Privilege, int Tables);

    /// <summary>The datasets the caller may read.</summary>
    public sealed record DatasetList(IReadOnlyList<DatasetView> Items);

    /// <summary>A table with its columns; <paramref name="Rows"/> is DuckDB's estimate (exact after a load).</summary>
    public sealed record TableView(string Name, string Kind, long? Rows, IReadOnlyList<ColumnView> Columns);

    /// <summary>A column.</summary>
    public sealed record ColumnView(string Name, string Type, bool Nullable);

    /// <summary>One dataset with its tables.</summary>
    public sealed record DatasetDetail(string Name, string Privilege, IReadOnlyList<TableView> Tables);

    /// <summary>Maps the endpoints.</summary>
    public static void MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var path = $"{NagareApi.Prefix}/datasets";
        routes.Map(new ApiOperation("GET", path, ApiAccess.Viewer, ApiScopes.Read, "datasets", "Lists the datasets (warehouse schemas) the caller may read.", Response: typeof(DatasetList)), ListAsync);
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}", ApiAccess.Viewer, ApiScopes.Read, "datasets", "A dataset's tables and views with columns and row counts.", Response: typeof(DatasetDetail)), DetailAsync);
        routes.Map(new ApiOperation("GET", $"{path}/{{name}}/tables/{{table}}/preview", ApiAccess.Viewer, ApiScopes.Read, "datasets", "The first rows of a table (?limit=, default 100, at most 10,000).", Response: typeof(QueryApi.QueryResult)), PreviewAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = Caller.Required(context);
        var items = new List<DatasetView>();
        foreach (var (name, tables) in await HealthApi.Server(context).Datasets.ListAsync(context.RequestAborted).ConfigureAwait(false))
        {
            var privilege = caller.Policy.On(name);
            if (privilege >= Privilege.Read)
            {
                items.Add(new DatasetView(name, privilege.ToString().ToLowerInvariant(), tables));
            }
        }

        return TypedResults.Json(new DatasetList(items), ApiJson.Options);
    }

    private static async Task<IResult> DetailAsync(HttpContext context)
    {
        var caller = Caller.Required(context);
        var name = NagareApi.Route(context, "name");
        var privilege = caller.Policy.On(name);
        if (privilege < Privilege.Read)
        {
            // The same answer as for a dataset that does not exist: a role does not learn what it may not read.
            return Problems.NotFound($"No dataset '{name}' you may read.");
        }

        var server = HealthApi.Server(context);
        using var connection = server.Warehouse.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.table_name, CASE WHEN t.table_name IS NULL THEN 'view' ELSE 'table' END, t.estimated_size, c.column_name, c.data_type, c.is_nullable
            FROM duckdb_columns() c LEFT JOIN duckdb_tables() t ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
            WHERE c.database_name = current_database() AND c.schema_name = $1 AND NOT c.internal
            ORDER BY c.table_name, c.column_index
            """;
        command.Parameters.Add(new DuckDb.DuckDbParameter { Value = name });
        var tables = new List<TableView>();
        using (var reader = await command.ExecuteReaderAsync(context.RequestAborted).ConfigureAwait(false))
        {
            string? current = null;
            List<ColumnView>? columns = null;
            while (await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false))
            {
                var table = reader.GetString(0);
                if (table != current)
                {
                    columns = [];
                    tables.Add(new TableView(table, reader.GetString(1), reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture), columns));
                    current = table;
                }

                columns!.Add(new ColumnView(reader.GetString(3), reader.GetString(4), reader.GetBoolean(5)));
            }
        }

        if (tables.Count == 0)
        {
            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = $1";
            exists.Parameters.Add(new DuckDb.DuckDbParameter { Value = name });
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(context.RequestAborted).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
            {
                return Problems.NotFound($"No dataset '{name}' you may read.");
            }
        }

        return TypedResults.Json(new DatasetDetail(name, privilege.ToString().ToLowerInvariant(), tables), ApiJson.Options);
    }

    private static async Task<IResult> PreviewAsync(HttpContext context)
    {
        var name = NagareApi.Route(context, "name");
        var table = NagareApi.Route(context, "table");
        var (limit, problem) = NagareApi.Limit(context, 100, 10_000);
        if (problem is not null)
        {
            return problem;
        }

        if (Caller.Required(context).Policy.On(name) < Privilege.Read)
        {
            return Problems.NotFound($"No dataset '{name}' you may read.");
        }

        using (var connection = HealthApi.Server(context).Warehouse.Connect())
        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2 UNION ALL SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND schema_name = $1 AND view_name = $2";
            exists.Parameters.Add(new DuckDb.DuckDbParameter { Value = name });
            exists.Parameters.Add(new DuckDb.DuckDbParameter { Value = table });
            var found = false;
            using var reader = await exists.ExecuteReaderAsync(context.RequestAborted).ConfigureAwait(false);
            while (await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false))
            {
                found |= Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) > 0;
            }

            if (!found)
            {
                return Problems.NotFound($"No table '{table}' in dataset '{name}'.");
            }
        }

        // The names go in quoted, and the query passes the same guard as any other: a view over another dataset is checked too.
        var sql = $"SELECT * FROM {Quote(name)}.{Quote(table)} LIMIT {limit.ToString(CultureInfo.InvariantCulture)}";
        return await QueryApi.ExecuteAsync(context, sql, limit, TimeSpan.FromSeconds(60), "json", $"preview {name}.{table}").ConfigureAwait(false);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
