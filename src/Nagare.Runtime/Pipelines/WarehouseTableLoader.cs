using System.Data.Common;
using System.Globalization;
using Nagare.Core.Connectors;
using Nagare.DuckDb;
using Nagare.Runtime.Connections;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// A query's rows into a warehouse table (<c>sql</c> steps with <c>into:</c>): the table is created from the result's
/// columns, filled through DuckDB's appender as rows arrive, and replaces the old table in one transaction, so readers
/// see the old rows or all the new ones and a failed load leaves the old table as it was.
/// </summary>
internal static class WarehouseTableLoader
{
    /// <summary>Loads <paramref name="reader"/>'s rows into <paramref name="table"/> (<c>schema.table</c>, <c>main</c> when no schema); the rows loaded.</summary>
    public static async Task<long> LoadAsync(string warehousePath, TimeSpan wait, string table, DbDataReader reader, CancellationToken cancellationToken)
    {
        var (schema, name) = Split(table);
        var columns = reader.GetColumnSchema();
        var staging = "_nagare_into_" + Guid.NewGuid().ToString("N")[..12];
        using var connection = Warehouse.Open(warehousePath, new WarehouseOpenOptions { Wait = wait }, cancellationToken);
        connection.ExecuteNonQuery($"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}");
        connection.ExecuteNonQuery($"CREATE TABLE {Quote(schema)}.{Quote(staging)} ({string.Join(", ", columns.Select((c, i) => $"{Quote(ColumnName(c, i))} {DuckDbTypeOf(c)}"))})");
        long rows = 0;
        try
        {
            using (var appender = connection.CreateAppender(schema, staging))
            {
                var values = new object?[columns.Count];
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = reader.IsDBNull(i) ? null : Value(reader.GetValue(i));
                    }

                    appender.AppendRow(values);
                    rows++;
                }

                appender.Close();
            }

            connection.ExecuteNonQuery($"BEGIN TRANSACTION; DROP TABLE IF EXISTS {Quote(schema)}.{Quote(name)}; ALTER TABLE {Quote(schema)}.{Quote(staging)} RENAME TO {Quote(name)}; COMMIT");
            return rows;
        }
        catch
        {
            connection.ExecuteNonQuery($"DROP TABLE IF EXISTS {Quote(schema)}.{Quote(staging)}");
            throw;
        }
    }

    /// <summary>The statement that replaces <paramref name="table"/> with the result of a query of the warehouse itself, in one statement.</summary>
    public static string ReplaceWithQuery(string table, string query)
    {
        var (schema, name) = Split(table);
        return $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}; CREATE OR REPLACE TABLE {Quote(schema)}.{Quote(name)} AS {query.TrimEnd().TrimEnd(';')}";
    }

    /// <summary>Schema and table of <c>schema.table</c> (<c>main</c> when no schema is given).</summary>
    private static (string Schema, string Name) Split(string table)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? ("main", table) : (table[..dot], table[(dot + 1)..]);
    }

    private static string Quote(string identifier) => Models.ProjectScanner.Quote(identifier);

    private static string ColumnName(DbColumn column, int ordinal) =>
        string.IsNullOrEmpty(column.ColumnName) ? string.Create(CultureInfo.InvariantCulture, $"column{ordinal + 1}") : column.ColumnName;

    /// <summary>The DuckDB type of a result column, from its .NET type (and a decimal's precision and scale when the driver says).</summary>
    private static string DuckDbTypeOf(DbColumn column) => column.DataType switch
    {
        var t when t == typeof(bool) => "BOOLEAN",
        var t when t == typeof(byte) || t == typeof(sbyte) || t == typeof(short) => "SMALLINT",
        var t when t == typeof(int) || t == typeof(ushort) => "INTEGER",
        var t when t == typeof(long) || t == typeof(uint) => "BIGINT",
        var t when t == typeof(float) => "REAL",
        var t when t == typeof(double) => "DOUBLE",
        var t when t == typeof(decimal) => column.NumericPrecision is > 0 and <= 38 && column.NumericScale is >= 0 and <= 38 && column.NumericScale <= column.NumericPrecision
            ? string.Create(CultureInfo.InvariantCulture, $"DECIMAL({column.NumericPrecision}, {column.NumericScale})")
            : "DECIMAL(38, 10)",
        var t when t == typeof(DateTime) => "TIMESTAMP",
        var t when t == typeof(DateTimeOffset) => "TIMESTAMPTZ",
        var t when t == typeof(DateOnly) => "DATE",
        var t when t == typeof(TimeOnly) => "TIME",
        var t when t == typeof(TimeSpan) => "INTERVAL",
        var t when t == typeof(Guid) => "UUID",
        var t when t == typeof(byte[]) => "BLOB",
        _ => "VARCHAR",
    };

    /// <summary>A value as the appender takes it: types it does not know become their invariant text.</summary>
    private static object Value(object value) => value switch
    {
        bool or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal or string
            or DateTime or DateOnly or DateTimeOffset or TimeOnly or TimeSpan or Guid or byte[] => value,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

}
