using Nagare.Core.Connectors;
using System.Diagnostics;
using System.Globalization;
using Nagare.DuckDb;
using Nagare.DuckDb.Appending;

namespace Nagare.Cli.Demo;

/// <summary>
/// The demo's flow on the embedded defaults: generate a shop's data, load it into the DuckDB
/// warehouse (application tables through the appender, JSON access logs read by DuckDB from
/// NDJSON files and kept as Parquet), build cleansed tables and marts, and return the summaries.
/// Re-running replaces the demo schemas; nothing else in the warehouse is touched.
/// </summary>
public sealed class DemoRunner(string folder, TimeProvider time, int scale = 1, int seed = 42)
{
    /// <summary>How the warehouse is opened: how long to wait while another process holds it (default: not at all).</summary>
    public WarehouseOpenOptions Warehouse { get; init; } = WarehouseOpenOptions.Default;

    /// <summary>Path of the warehouse file the demo writes.</summary>
    public string WarehousePath => Path.Combine(folder, "warehouse.duckdb");

    /// <summary>Folder of the NDJSON access logs, as a web server would leave them.</summary>
    public string LandingFolder => Path.Combine(folder, "demo", "landing", "access_logs");

    /// <summary>The access logs converted to Parquet.</summary>
    public string ParquetPath => Path.Combine(folder, "demo", "lake", "access_logs.parquet");

    /// <summary>
    /// A project whose warehouse is the demo's, so that <c>nagare serve -p</c> (and every project command) can open
    /// it: written when missing, kept as the user left it otherwise.
    /// </summary>
    public string ProjectFolder => Path.Combine(folder, "demo", "project");

    /// <summary>The demo project's nagare.yml; the warehouse path is relative to <see cref="ProjectFolder"/>.</summary>
    internal const string ProjectFile = """
        # The demo's project: its warehouse is the one `nagare demo` fills (two folders up).
        # Serve it with `nagare serve -p <this folder>`; connections, syncs and models made in the
        # web UI are written here. Written by `nagare demo` when missing, never overwritten.
        # Reference: docs/configuration.md
        name: demo
        warehouse: ../../warehouse.duckdb

        """;

    /// <summary>Runs every step, reporting each one as it finishes.</summary>
    public async Task<DemoReport> RunAsync(IProgress<DemoStep> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var total = Stopwatch.StartNew();
        var steps = new List<DemoStep>();
        void Done(string name, long rows, Stopwatch watch)
        {
            var step = new DemoStep(name, rows, watch.Elapsed);
            steps.Add(step);
            progress.Report(step);
        }

        Directory.CreateDirectory(folder);
        await WriteProjectAsync(cancellationToken).ConfigureAwait(false);
        var generator = new DemoDataGenerator(seed, time.GetUtcNow(), scale);
        var watch = Stopwatch.StartNew();
        var data = generator.Generate();
        var logFiles = await generator.WriteAccessLogsAsync(LandingFolder, cancellationToken).ConfigureAwait(false);
        Done($"generated customers, products, orders and {logFiles.Count} days of access logs", data.Customers.Id.Length + data.Products.Id.Length + data.Orders.Id.Length, watch);

        using var connection = Runtime.Connections.Warehouse.Open(WarehousePath, Warehouse, cancellationToken);

        watch.Restart();
        using (var transaction = connection.BeginTransaction())
        {
            connection.ExecuteNonQuery(DemoSql.CreateLake);
            AppendCustomers(connection, data.Customers);
            AppendProducts(connection, data.Products);
            AppendOrders(connection, data.Orders);
            transaction.Commit();
        }

        Done("loaded lake_app.customers, products, orders (appender)", data.Customers.Id.Length + data.Products.Id.Length + data.Orders.Id.Length, watch);

        watch.Restart();
        var glob = Path.Combine(LandingFolder, "*.ndjson");
        connection.ExecuteNonQuery(string.Format(CultureInfo.InvariantCulture, DemoSql.LoadAccessLogs, SqlLiteral(glob)));
        var logRows = connection.ExecuteScalar<long>("SELECT count(*) FROM lake_logs.access_logs");
        Directory.CreateDirectory(Path.GetDirectoryName(ParquetPath)!);
        connection.ExecuteNonQuery(string.Format(CultureInfo.InvariantCulture, DemoSql.ExportLogsToParquet, SqlLiteral(ParquetPath)));
        Done("loaded lake_logs.access_logs from NDJSON and wrote it as Parquet", logRows, watch);

        watch.Restart();
        using (var transaction = connection.BeginTransaction())
        {
            connection.ExecuteNonQuery(DemoSql.BuildModels);
            transaction.Commit();
        }

        var martRows = connection.ExecuteScalar<long>(
            "SELECT (SELECT count(*) FROM dwh.orders) + (SELECT count(*) FROM dwh.customers)");
        Done("built dwh.customers, dwh.orders and marts mart_sales.*, mart_web.*", martRows, watch);

        return new DemoReport(steps, total.Elapsed);
    }

    private async Task WriteProjectAsync(CancellationToken cancellationToken)
    {
        var file = Path.Combine(ProjectFolder, "nagare.yml");
        if (File.Exists(file))
        {
            return;
        }

        Directory.CreateDirectory(ProjectFolder);
        await File.WriteAllTextAsync(file, ProjectFile, cancellationToken).ConfigureAwait(false);
    }

    private static string SqlLiteral(string text) => text.Replace("'", "''", StringComparison.Ordinal);

    private static void AppendCustomers(DuckDbConnection connection, DemoDataSet.CustomerColumns c) =>
        AppendColumns(connection, "customers", c.Id.Length, (chunk, at, n) =>
        {
            chunk.Write<long>(0, c.Id.AsSpan(at, n));
            chunk.Write<string>(1, c.Name.AsSpan(at, n));
            chunk.Write<string>(2, c.Email.AsSpan(at, n));
            chunk.Write<string>(3, c.Prefecture.AsSpan(at, n));
            chunk.Write<DateTimeOffset>(4, c.SignedUpAt.AsSpan(at, n));
            chunk.Write<bool>(5, c.IsActive.AsSpan(at, n));
        });

    private static void AppendProducts(DuckDbConnection connection, DemoDataSet.ProductColumns p) =>
        AppendColumns(connection, "products", p.Id.Length, (chunk, at, n) =>
        {
            chunk.Write<long>(0, p.Id.AsSpan(at, n));
            chunk.Write<string>(1, p.Name.AsSpan(at, n));
            chunk.Write<string>(2, p.Category.AsSpan(at, n));
            chunk.Column(3).WriteUnscaledDecimals(p.Price.AsSpan(at, n), 2);
        });

    private static void AppendOrders(DuckDbConnection connection, DemoDataSet.OrderColumns o) =>
        AppendColumns(connection, "orders", o.Id.Length, (chunk, at, n) =>
        {
            chunk.Write<long>(0, o.Id.AsSpan(at, n));
            chunk.Write<long>(1, o.CustomerId.AsSpan(at, n));
            chunk.Write<long>(2, o.ProductId.AsSpan(at, n));
            chunk.Write<int>(3, o.Quantity.AsSpan(at, n));
            chunk.Column(4).WriteUnscaledDecimals(o.Amount.AsSpan(at, n), 2);
            chunk.Write<string>(5, o.Status.AsSpan(at, n));
            chunk.Write<string?>(6, o.CouponCode.AsSpan(at, n));
            chunk.Write<DateTimeOffset>(7, o.OrderedAt.AsSpan(at, n));
        });

    /// <summary>Appends column arrays into lake_app.<paramref name="table"/> one full data chunk at a time.</summary>
    private static void AppendColumns(DuckDbConnection connection, string table, int rows, Action<DuckDbChunkWriter, int, int> fill)
    {
        using var appender = connection.CreateAppender("lake_app", table);
        var chunk = appender.Chunk;
        for (var at = 0; at < rows; at += chunk.Capacity)
        {
            var n = Math.Min(chunk.Capacity, rows - at);
            fill(chunk, at, n);
            chunk.Size = n;
            appender.AppendChunk();
        }

        appender.Close();
    }
}
