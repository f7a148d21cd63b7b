namespace Nagare.Cli.Demo;

/// <summary>The SQL of the demo's flow: lake → dwh (cleansed) → marts, and the summaries it prints.</summary>
public static class DemoSql
{
    /// <summary>Raw tables as they arrive from the application database (UTC timestamps).</summary>
    public const string CreateLake = """
        DROP SCHEMA IF EXISTS mart_sales CASCADE;
        DROP SCHEMA IF EXISTS mart_web CASCADE;
        DROP SCHEMA IF EXISTS dwh CASCADE;
        DROP SCHEMA IF EXISTS lake_app CASCADE;
        DROP SCHEMA IF EXISTS lake_logs CASCADE;
        CREATE SCHEMA lake_app;
        CREATE SCHEMA lake_logs;
        CREATE TABLE lake_app.customers (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, email VARCHAR NOT NULL, prefecture VARCHAR NOT NULL, signed_up_at TIMESTAMPTZ NOT NULL, is_active BOOLEAN NOT NULL);
        CREATE TABLE lake_app.products (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, category VARCHAR NOT NULL, price DECIMAL(12,2) NOT NULL);
        CREATE TABLE lake_app.orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, product_id BIGINT NOT NULL, quantity INTEGER NOT NULL, amount DECIMAL(12,2) NOT NULL, status VARCHAR NOT NULL, coupon_code VARCHAR, ordered_at TIMESTAMPTZ NOT NULL);
        """;

    /// <summary>JSON access logs read by DuckDB straight from the NDJSON files; <c>{0}</c> is the file glob.</summary>
    public const string LoadAccessLogs = """
        CREATE TABLE lake_logs.access_logs AS
        SELECT ts::TIMESTAMPTZ AS ts, user_id::BIGINT AS user_id, method, path, status::INTEGER AS status,
               latency_ms::INTEGER AS latency_ms, ua.device AS device, ua.browser AS browser
        FROM read_json('{0}', format = 'newline_delimited',
             columns = {{ts: 'VARCHAR', user_id: 'BIGINT', method: 'VARCHAR', path: 'VARCHAR', status: 'INTEGER',
                        latency_ms: 'INTEGER', ua: 'STRUCT(device VARCHAR, browser VARCHAR)'}});
        """;

    /// <summary>The logs converted to Parquet (cheap to keep, fast to scan); <c>{0}</c> is the output file.</summary>
    public const string ExportLogsToParquet = "COPY lake_logs.access_logs TO '{0}' (FORMAT parquet, COMPRESSION zstd);";

    /// <summary>Cleansing (UTC → Asia/Tokyo, masked e-mail, de-duplicated) and marts.</summary>
    public const string BuildModels = """
        CREATE SCHEMA dwh;
        CREATE TABLE dwh.customers AS
        SELECT id AS customer_id, name, sha256(lower(email)) AS email_hash, prefecture,
               (signed_up_at AT TIME ZONE 'Asia/Tokyo') AS signed_up_at_jst, is_active
        FROM lake_app.customers;
        CREATE TABLE dwh.orders AS
        SELECT o.id AS order_id, o.customer_id, o.product_id, p.category, o.quantity, o.amount, o.status,
               o.coupon_code IS NOT NULL AS used_coupon,
               (o.ordered_at AT TIME ZONE 'Asia/Tokyo') AS ordered_at_jst
        FROM lake_app.orders o JOIN lake_app.products p ON p.id = o.product_id
        QUALIFY row_number() OVER (PARTITION BY o.id ORDER BY o.ordered_at DESC) = 1;
        CREATE SCHEMA mart_sales;
        CREATE TABLE mart_sales.monthly_revenue AS
        SELECT strftime(date_trunc('month', ordered_at_jst), '%Y-%m') AS month, count(*) AS orders,
               count(DISTINCT customer_id) AS customers, sum(amount) AS revenue_jpy,
               round(avg(amount), 0) AS avg_order_jpy
        FROM dwh.orders WHERE status IN ('paid', 'shipped') GROUP BY ALL ORDER BY month;
        CREATE TABLE mart_sales.top_products AS
        SELECT p.name AS product, p.category, sum(o.quantity) AS units, sum(o.amount) AS revenue_jpy
        FROM dwh.orders o JOIN lake_app.products p ON p.id = o.product_id
        WHERE o.status IN ('paid', 'shipped') GROUP BY ALL ORDER BY revenue_jpy DESC LIMIT 5;
        CREATE TABLE mart_sales.by_prefecture AS
        SELECT c.prefecture, count(DISTINCT c.customer_id) AS customers, count(o.order_id) AS orders,
               coalesce(sum(o.amount), 0) AS revenue_jpy
        FROM dwh.customers c LEFT JOIN dwh.orders o ON o.customer_id = c.customer_id AND o.status IN ('paid', 'shipped')
        GROUP BY ALL ORDER BY revenue_jpy DESC;
        CREATE SCHEMA mart_web;
        CREATE TABLE mart_web.device_funnel AS
        WITH visits AS (
            SELECT l.device, l.user_id, (l.ts AT TIME ZONE 'Asia/Tokyo')::DATE AS day,
                   bool_or(l.path = '/checkout') AS reached_checkout, count(*) AS page_views,
                   quantile_cont(l.latency_ms, 0.95) AS p95_latency_ms, avg((l.status >= 500)::INT) AS error_rate
            FROM lake_logs.access_logs l WHERE l.user_id IS NOT NULL GROUP BY ALL
        )
        SELECT v.device, count(*) AS visitor_days, sum(v.page_views) AS page_views,
               round(100.0 * avg(v.reached_checkout::INT), 1) AS checkout_pct,
               round(100.0 * avg((o.order_id IS NOT NULL)::INT), 1) AS bought_pct,
               round(avg(v.p95_latency_ms), 0) AS p95_latency_ms
        FROM visits v
        LEFT JOIN (SELECT customer_id, ordered_at_jst::DATE AS day, min(order_id) AS order_id FROM dwh.orders GROUP BY ALL) o
               ON o.customer_id = v.user_id AND o.day = v.day
        GROUP BY ALL ORDER BY visitor_days DESC;
        """;

    /// <summary>The summaries printed at the end: title and query.</summary>
    public static readonly (string Title, string Sql)[] Summaries =
    [
        ("Monthly revenue (Asia/Tokyo)", "SELECT * FROM mart_sales.monthly_revenue ORDER BY month"),
        ("Top 5 products", "SELECT * FROM mart_sales.top_products ORDER BY revenue_jpy DESC"),
        ("Revenue by prefecture (top 5)", "SELECT * FROM mart_sales.by_prefecture ORDER BY revenue_jpy DESC LIMIT 5"),
        ("Web visits joined with orders, by device (last 7 days)", "SELECT * FROM mart_web.device_funnel ORDER BY visitor_days DESC"),
    ];
}
