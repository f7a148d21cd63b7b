using Microsoft.Data.Sqlite;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Connections;

/// <summary>Sampling a stream of a connection: the first rows of exactly that stream, as JSON values.</summary>
public sealed class ConnectionProbeTests : IDisposable
{
    private readonly TempProject project = new();

    public ConnectionProbeTests()
    {
        var file = project.PathOf("app.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, score NUMERIC(6,2), born DATE, doc JSON);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
                INSERT INTO people SELECT i, 'p' || i || '@example.com', i + 0.25, '2000-01-0' || (1 + i % 9), '{"n": ' || i || '}' FROM n;
                CREATE TABLE "a*b" (id INTEGER);
                INSERT INTO "a*b" VALUES (7);
                CREATE TABLE axxb (id INTEGER);
                INSERT INTO axxb VALUES (8);
                """;
            command.ExecuteNonQuery();
        }

        project.Write("nagare.yml", "name: t\n").Write("connections/app.yml", $"name: app\ntype: sqlite\npath: {file}\n");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(project.Root, recursive: true);
    }

    [Fact]
    public async Task SampleAsync_Table_ReturnsAtMostTheLimitWithColumnsAndJsonValues()
    {
        var sample = await SampleAsync("main.people", 5);

        Assert.NotNull(sample);
        Assert.Equal("main.people", sample.Stream.Id.ToString());
        Assert.Equal(["id", "email", "score", "born", "doc"], sample.Columns.Select(c => c.Name));
        Assert.Equal(["int64", "string", "decimal(6,2)", "date", "json"], sample.Columns.Select(c => c.Type));
        Assert.Equal(5, sample.Rows.Count);
        var first = sample.Rows.Single(r => r[0].GetInt64() == 1);
        Assert.Equal("p1@example.com", first[1].GetString());
        Assert.Equal("1.25", first[2].GetRawText());
        Assert.Equal("2000-01-02", first[3].GetString());
        Assert.Equal(1, first[4].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task SampleAsync_LimitAboveTheRowsOrZero_ReturnsWhatThereIs()
    {
        Assert.Equal(60, (await SampleAsync("main.people", 200))!.Rows.Count);
        Assert.Empty((await SampleAsync("main.people", 0))!.Rows);
    }

    [Fact]
    public async Task SampleAsync_NameWithGlobCharacters_SamplesExactlyThatStream()
    {
        var sample = await SampleAsync("main.a*b", 10);

        Assert.Equal("main.a*b", sample!.Stream.Id.ToString());
        Assert.Equal(7, Assert.Single(sample.Rows)[0].GetInt32());
    }

    [Fact]
    public async Task SampleAsync_UnknownStream_ReturnsNull()
    {
        Assert.Null(await SampleAsync("main.nobody", 10));
        Assert.Null(await SampleAsync("main.PEOPLE", 10));
    }

    private Task<StreamSample?> SampleAsync(string stream, int limit) =>
        ConnectionProbe.SampleAsync(ConnectorRegistry.Default, ProjectLoader.Load(project.Root), "app", stream, limit, TimeProvider.System, CancellationToken.None);
}
