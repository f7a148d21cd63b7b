using System.Globalization;
using System.Text.RegularExpressions;
using Nagare.DuckDb;
using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

/// <summary>
/// Generated models are valid DuckDB SQL doing what the rules say: lake tables are created from the catalog,
/// filled with a few rows, and the models run as views after resolving source()/ref() and dropping config().
/// </summary>
public sealed partial class DuckDbValidityTests : IDisposable
{
    private readonly GenerationFiles _files = new GenerationFiles().CopyExample();
    private readonly DuckDbConnection _db = new("Data Source=:memory:");

    public DuckDbValidityTests() => _db.Open();

    public void Dispose()
    {
        _db.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task GeneratedModels_RunOnDuckDb_ApplyEveryRule()
    {
        await _files.RunAsync(new GenerateOptions(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules")));
        await _files.RunAsync(new GenerateOptions(_files.Root, CatalogFile: _files.PathOf("catalog.csv"), RulesDirectory: _files.PathOf("rules"), CompanyFile: _files.PathOf("companies/hamee.yml")));
        CreateLake(CatalogReader.ReadCsv(_files.PathOf("catalog.csv"), "catalog.csv"));
        Execute("""
            INSERT INTO lake_app.customers VALUES
              (1, 'Aoi', 'aoi@example.jp', '090-1', '19900131', 1001, TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:00:00'),
              (1, 'Aoi', 'aoi@new.example.jp', '090-1', '19900131', 1001, TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-02-01 15:30:00'),
              (2, 'Ren', NULL, NULL, '', 1002, NULL, NULL);
            INSERT INTO lake_app.orders VALUES
              (10, 1, 1001, '20260315', TIMESTAMP '2026-03-15 20:00:00', 12.5, 'paid', TIMESTAMP '2026-03-15 20:00:00'),
              (11, 2, 1002, 'garbage', NULL, 3.0, 'paid', NULL);
            INSERT INTO lake_app.order_items VALUES (10, 1, 1001, 'SKU-1', '3', TIMESTAMP '2026-03-15 20:00:00'), (10, 1, 1001, 'SKU-1', 'x', TIMESTAMP '2026-03-15 21:00:00');
            INSERT INTO lake_logs.access_logs VALUES (1, 'a@b.jp', '/', 'phone', 'x', TIMESTAMPTZ '2026-03-15 23:30:00+00');
            """);

        // Cleansed and secret models first, then the company views over them.
        var models = new List<string>();
        foreach (var folder in new[] { "models/dwh", "models/mart/public_hamee" })
        {
            foreach (var path in _files.Files(folder).Where(p => p.EndsWith(".sql", StringComparison.Ordinal)))
            {
                var name = Path.GetFileNameWithoutExtension(path);
                Execute($"CREATE VIEW main.{name} AS {Resolve(_files.Read(folder + "/" + path))}");
                models.Add(name);
            }
        }

        Assert.Equal(8, models.Count);
        Assert.Equal(
            "1|null|" + Sha256("aoi@new.example.jp") + "|" + Md5("090-1") + "|1990-01-31|2026-01-01 09:00:00|2026-02-02 00:30:00",
            Row("SELECT customer_id, coalesce(name, 'null'), email, phone, birthday, created_at, updated_at FROM lake_app__customers WHERE customer_id = 1"));
        Assert.Equal(2L, Scalar("SELECT count(*) FROM lake_app__customers"));
        Assert.Equal("1|Aoi|aoi@new.example.jp|090-1", Row("SELECT customer_id, name, email, phone FROM lake_app_secret__customers WHERE customer_id = 1"));
        Assert.Equal("null", Row("SELECT coalesce(CAST(birthday AS VARCHAR), 'null') FROM lake_app__customers WHERE customer_id = 2"));
        Assert.Equal("2026-03-15|2026-03-16 05:00:00|12.50|DECIMAL(14,2)", Row("SELECT order_date, ordered_at, amount, typeof(amount) FROM lake_app__orders WHERE order_id = 10"));
        Assert.Equal("null", Row("SELECT coalesce(CAST(order_date AS VARCHAR), 'null') FROM lake_app__orders WHERE order_id = 11"));
        Assert.Equal("null|2026-03-15 21:00:00", Row("SELECT coalesce(CAST(quantity AS VARCHAR), 'null'), loaded_at FROM lake_app__order_items"));
        Assert.Equal(Sha256("a@b.jp") + "|phone|x|2026-03-16 08:30:00", Row("SELECT user_email, \"Device Type\", \"select\", logged_at FROM lake_logs__access_logs"));
        Assert.Equal("10|2026-03-15|12.50|paid", Row("SELECT * FROM public_hamee__orders"));
        Assert.Equal("10|1|SKU-1|null", Row("SELECT order_id, line_no, sku, coalesce(CAST(quantity AS VARCHAR), 'null') FROM public_hamee__order_items"));
    }

    [Fact]
    public void ReservedWords_MatchDuckDbKeywords()
    {
        using var command = _db.CreateCommand();
        command.CommandText = "SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved' ORDER BY 1";
        using var reader = command.ExecuteReader();
        var reserved = new List<string>();
        while (reader.Read())
        {
            reserved.Add(reader.GetString(0));
        }

        Assert.NotEmpty(reserved);
        Assert.All(reserved, word => Assert.True(SqlText.IsReserved(word), word));
        Assert.Equal("\"order\"", SqlText.Identifier("order"));
        Assert.Equal("order_id", SqlText.Identifier("order_id"));
        Assert.Equal("\"Name\"", SqlText.Identifier("Name"));
    }

    private static string Resolve(string model)
    {
        var sql = ConfigCall().Replace(model, string.Empty);
        sql = SourceCall().Replace(sql, m => $"{m.Groups[1].Value}.{m.Groups[2].Value}");
        sql = RefCall().Replace(sql, m => $"main.{m.Groups[1].Value}");
        return string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)));
    }

    private void CreateLake(IEnumerable<CatalogTable> tables)
    {
        foreach (var table in tables)
        {
            var columns = string.Join(", ", table.Columns.Select(c => $"{SqlText.Identifier(c.Name)} {c.DataType}"));
            Execute($"CREATE SCHEMA IF NOT EXISTS {table.Schema}; CREATE TABLE {table.Schema}.{table.Name} ({columns});");
        }
    }

    private void Execute(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private string Row(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), sql);
        var values = new string[reader.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.GetValue(i) switch
            {
                DateTime d when d.TimeOfDay == TimeSpan.Zero && reader.GetDataTypeName(i) == "DATE" => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                decimal m => m.ToString("0.00", CultureInfo.InvariantCulture),
                var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null",
            };
        }

        Assert.False(reader.Read(), sql);
        return string.Join('|', values);
    }

    private string Sha256(string text) => (string)Scalar($"SELECT sha256({SqlText.Literal(text)})")!;

    private string Md5(string text) => (string)Scalar($"SELECT md5({SqlText.Literal(text)})")!;

    [GeneratedRegex(@"\{\{ config\(.*?\) \}\}")]
    private static partial Regex ConfigCall();

    [GeneratedRegex(@"\{\{ source\('([^']+)', '([^']+)'\) \}\}")]
    private static partial Regex SourceCall();

    [GeneratedRegex(@"\{\{ ref\('([^']+)'\) \}\}")]
    private static partial Regex RefCall();
}
