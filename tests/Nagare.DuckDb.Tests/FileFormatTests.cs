namespace Nagare.DuckDb.Tests;

public sealed class FileFormatTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-files-").FullName;
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public FileFormatTests()
    {
        _connection.ExecuteNonQuery("""
            CREATE TABLE src AS
            SELECT i AS id, 'name ' || i AS name, i * 1.25 AS amount, DATE '2024-01-01' + CAST(i AS INTEGER) AS day,
                   CASE WHEN i % 2 = 0 THEN NULL ELSE i END AS odd
            FROM range(1000) t(i)
            """);
    }

    public void Dispose()
    {
        _connection.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("parquet", "(FORMAT parquet)", "read_parquet")]
    [InlineData("csv", "(FORMAT csv, HEADER)", "read_csv")]
    [InlineData("json", "(FORMAT json)", "read_json")]
    public void CopyTo_ThenRead_ValuesMatch(string extension, string options, string readFunction)
    {
        var path = Path.Combine(_folder, "data." + extension).Replace("'", "''", StringComparison.Ordinal);
        Assert.Equal(1000, _connection.ExecuteNonQuery($"COPY src TO '{path}' {options}"));
        Assert.True(File.Exists(path));

        using var command = new DuckDbCommand($"SELECT id, name, amount, day, odd FROM {readFunction}('{path}') ORDER BY id", _connection);
        using var reader = command.ExecuteReader();
        var row = 0;
        while (reader.Read())
        {
            Assert.Equal(row, reader.GetInt64(0));
            Assert.Equal("name " + row, reader.GetString(1));
            Assert.Equal(row * 1.25m, Convert.ToDecimal(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(new DateOnly(2024, 1, 1).AddDays(row), reader.GetDateOnly(3));
            Assert.Equal(row % 2 == 0, reader.IsDBNull(4));
            row++;
        }

        Assert.Equal(1000, row);
    }
}
