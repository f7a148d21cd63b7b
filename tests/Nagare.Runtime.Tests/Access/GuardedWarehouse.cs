using Nagare.DuckDb;
using Nagare.Runtime.Connections;

namespace Nagare.Runtime.Tests.Access;

/// <summary>
/// A warehouse file in a temporary folder with a granted dataset (mart_sales), a secret one (dwh_secret), a view and a
/// table macro in mart_sales over the secret table, and a table in main.
/// </summary>
public sealed class GuardedWarehouse : IDisposable
{
    public GuardedWarehouse()
    {
        Folder = Path.Combine(Path.GetTempPath(), "nagare-guard-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
        Connection = Warehouse.Open(Path.Combine(Folder, "warehouse.duckdb"));
        Connection.ExecuteNonQuery("""
            CREATE SCHEMA mart_sales;
            CREATE SCHEMA dwh_secret;
            CREATE TABLE mart_sales.orders (id INTEGER, customer_id INTEGER, amount DECIMAL(10, 2));
            CREATE TABLE mart_sales.customers (id INTEGER, name VARCHAR);
            CREATE TABLE dwh_secret.orders (id INTEGER, token VARCHAR);
            CREATE TABLE dwh_secret.customers (id INTEGER, name VARCHAR);
            CREATE TABLE main.secret_main (id INTEGER);
            INSERT INTO mart_sales.orders VALUES (1, 1, 9.50), (2, 2, 3.25);
            INSERT INTO mart_sales.customers VALUES (1, 'ann'), (2, 'bo');
            INSERT INTO dwh_secret.orders VALUES (1, 'tok-1');
            CREATE VIEW mart_sales.leak AS SELECT * FROM dwh_secret.orders;
            CREATE VIEW mart_sales.big_orders AS SELECT * FROM mart_sales.orders WHERE amount > 5;
            CREATE MACRO mart_sales.m() AS TABLE SELECT * FROM dwh_secret.orders;
            CREATE MACRO mart_sales.secret_token() AS (SELECT max(token) FROM dwh_secret.orders);
            CREATE MACRO mart_sales.top_name() AS (SELECT max(name) FROM mart_sales.customers);
            """);
    }

    public string Folder { get; }

    public DuckDbConnection Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
