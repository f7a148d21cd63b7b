using Dapper;

namespace Nagare.DuckDb.Tests;

public sealed class DapperTests : IDisposable
{
    private readonly DuckDbConnection _connection = TypeAssert.Open();

    public DapperTests()
    {
        _connection.Execute("CREATE TABLE people(id BIGINT, name VARCHAR, born DATE, score DOUBLE)");
    }

    public void Dispose() => _connection.Dispose();

    public sealed record Person(long Id, string Name, double Score);

    public sealed class PersonRow
    {
        public long Id { get; set; }

        public string? Name { get; set; }

        public double? Score { get; set; }
    }

    [Fact]
    public void Execute_ListOfObjects_InsertsEach()
    {
        var people = new[]
        {
            new { id = 1L, name = "Ada", score = 9.5 },
            new { id = 2L, name = "Grace", score = 8.25 },
            new { id = 3L, name = "Linus", score = 7.0 },
        };
        var inserted = _connection.Execute("INSERT INTO people(id, name, score) VALUES ($id, $name, $score)", people);
        Assert.Equal(3, inserted);
        Assert.Equal(24.75, _connection.ExecuteScalar<double>("SELECT sum(score) FROM people"));
    }

    [Fact]
    public void Query_AnonymousParameters_MapsRows()
    {
        _connection.Execute("INSERT INTO people VALUES (1, 'Ada', DATE '1815-12-10', 9.5), (2, 'Grace', NULL, NULL), (3, 'Linus', NULL, 7)");
        var rows = _connection.Query<PersonRow>("SELECT id, name, score FROM people WHERE id >= $min AND name <> $skip ORDER BY id", new { min = 2, skip = "Linus" }).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(2, row.Id);
        Assert.Equal("Grace", row.Name);
        Assert.Null(row.Score);

        var records = _connection.Query<Person>("SELECT id, name, score FROM people WHERE score IS NOT NULL ORDER BY id").ToList();
        Assert.Equal([new Person(1, "Ada", 9.5), new Person(3, "Linus", 7)], records);
    }

    [Fact]
    public void QuerySingle_Scalar_ReadsValue()
    {
        Assert.Equal(5L, _connection.QuerySingle<long>("SELECT $a + $b", new { a = 2, b = 3 }));
        Assert.Equal("x", _connection.ExecuteScalar<string>("SELECT $v", new { v = "x" }));
    }
}
