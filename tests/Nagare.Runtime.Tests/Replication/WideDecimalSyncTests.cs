using Microsoft.Data.Sqlite;
using Nagare.DuckDb;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// Decimals of up to 38 digits, numerics wider than that, and NaN/±Infinity, from the real PostgreSQL through the
/// warehouse, Parquet, SQLite and back, read back as text so that nothing on the way can round unseen.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WideDecimalSyncTests : IAsyncLifetime
{
    private const string Repro = "1234567890123456789012345678.0123456789";
    private const string Max = "99999999999999999999999999999999999999";

    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    private string Src => pg.Schema;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_dec");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg"));
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    private Task CreateWideTableAsync() => pg.ExecuteAsync($"""
        CREATE TABLE "{Src}".t (id int PRIMARY KEY, n numeric(38,10), z numeric(38,0));
        INSERT INTO "{Src}".t VALUES
            (1, {Repro}, {Max}),
            (2, -{Repro}, -{Max}),
            (3, 0.0000000001, 0),
            (4, NULL, NULL);
        """);

    [Fact]
    public async Task Sync_Numeric38IntoWarehouse_KeepsEveryDigit()
    {
        await CreateWideTableAsync();

        var summary = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{Src}.t\"\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(
            ["n|DECIMAL(38,10)", "z|DECIMAL(38,0)"],
            project.QueryWarehouse("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'lake' AND table_name = 't' AND column_name <> 'id' ORDER BY ordinal_position"));
        Assert.Equal(
            [$"1|{Repro}|{Max}", $"2|-{Repro}|-{Max}", "3|0.0000000001|0", "4|NULL|NULL"],
            project.QueryWarehouse("SELECT id, CAST(n AS VARCHAR), CAST(z AS VARCHAR) FROM lake.t ORDER BY id"));
    }

    [Fact]
    public async Task Sync_Numeric38WarehouseBackToPostgres_KeepsEveryDigit()
    {
        await CreateWideTableAsync();
        var into = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{Src}.t\"\n");
        Assert.True(into.Succeeded, into.Streams[0].Message);

        var back = await project.SyncAsync($"name: s\nsource: warehouse\ndestination: pg\ntarget_schema: {Src}_back\nstreams:\n  - select: lake.t\n");

        Assert.True(back.Succeeded, back.Streams[0].Message);
        var rows = await pg.QueryAsync($"SELECT id, n::text, z::text, format_type(atttypid, atttypmod) FROM \"{Src}_back\".t JOIN pg_attribute ON attrelid = '\"{Src}_back\".t'::regclass AND attname = 'n' ORDER BY id");
        Assert.Equal(
            [$"1|{Repro}|{Max}|numeric(38,10)", $"2|-{Repro}|-{Max}|numeric(38,10)", "3|0.0000000001|0|numeric(38,10)", "4|NULL|NULL|numeric(38,10)"],
            rows.Select(TempProject.FormatRow));
    }

    [Fact]
    public async Task Sync_Numeric38IntoParquet_KeepsEveryDigit()
    {
        await CreateWideTableAsync();
        project.Write("connections/out.yml", "name: out\ntype: files\npath: out\nformat: parquet\n");

        var summary = await project.SyncAsync($"name: s\nsource: pg\ndestination: out\nstreams:\n  - select: \"{Src}.t\"\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        var files = Directory.GetFiles(Path.Combine(project.Root, "out"), "*.parquet", SearchOption.AllDirectories);
        var file = Assert.Single(files);
        using var duck = new DuckDbConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT id, CAST(n AS VARCHAR), CAST(z AS VARCHAR), typeof(n) FROM read_parquet('{file.Replace("'", "''", StringComparison.Ordinal)}') ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, 4).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetValue(i).ToString())));
        }

        Assert.Equal(
            [$"1|{Repro}|{Max}|DECIMAL(38,10)", $"2|-{Repro}|-{Max}|DECIMAL(38,10)", "3|0.0000000001|0|DECIMAL(38,10)", "4|NULL|NULL|DECIMAL(38,10)"],
            rows);
    }

    [Fact]
    public async Task Sync_Numeric38IntoSqliteAndBackToWarehouse_KeepsEveryDigit()
    {
        await CreateWideTableAsync();
        var file = Path.Combine(project.Root, "app.db");
        project.Write("connections/app.yml", $"name: app\ntype: sqlite\npath: {file}\n");

        var into = await project.SyncAsync($"name: s\nsource: pg\ndestination: app\nstreams:\n  - select: \"{Src}.t\"\n    into: t\n");
        Assert.True(into.Succeeded, into.Streams[0].Message);
        var back = await project.SyncAsync("name: s\nsource: app\ntarget_schema: lake\nstreams:\n  - select: \"*\"\n");

        Assert.True(back.Succeeded, back.Streams[0].Message);
        using (var sqlite = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            sqlite.Open();
            using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT n, z FROM t WHERE id = 2";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(($"-{Repro}", $"-{Max}"), (reader.GetString(0), reader.GetString(1)));
        }

        Assert.Equal(
            [$"1|{Repro}|{Max}", $"2|-{Repro}|-{Max}", "3|0.0000000001|0", "4|NULL|NULL"],
            project.QueryWarehouse("SELECT id, CAST(n AS VARCHAR), CAST(z AS VARCHAR) FROM lake.t ORDER BY id"));
    }

    [Fact]
    public async Task Sync_UnconstrainedNumericWiderThan38Digits_FailsNamingTableColumnAndValue()
    {
        const string Wide = "123456789012345678901234567890123456789012345.5";
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".w (id int PRIMARY KEY, n numeric); INSERT INTO \"{Src}\".w VALUES (1, 1.5), (2, {Wide});");

        var summary = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{Src}.w\"\n");

        Assert.False(summary.Succeeded);
        var message = summary.Streams[0].Message ?? "";
        Assert.Contains($"Column 'n' of {Src}.w", message, StringComparison.Ordinal);
        Assert.Contains($"the value {Wide} has more than 28 digits before the point, which does not fit decimal(38,10)", message, StringComparison.Ordinal);
        Assert.Contains("cast: string", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_UnconstrainedNumericCastToString_ArrivesExactly()
    {
        const string Wide = "123456789012345678901234567890123456789012345.5";
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".w (id int PRIMARY KEY, n numeric); INSERT INTO \"{Src}\".w VALUES (1, 1.50), (2, -{Wide}), (3, NULL);");

        var summary = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\ncolumns:\n  w.n: {{ cast: string }}\nstreams:\n  - select: \"{Src}.w\"\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(["1|1.50", $"2|-{Wide}", "3|NULL"], project.QueryWarehouse("SELECT id, n FROM lake.w ORDER BY id"));
    }

    [Fact]
    public async Task Sync_NumericNaNAndInfinityAsDecimal_FailsNamingValueWithCastHint()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".f (id int PRIMARY KEY, n numeric); INSERT INTO \"{Src}\".f VALUES (1, 'NaN');");

        var summary = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{Src}.f\"\n");

        Assert.False(summary.Succeeded);
        var message = summary.Streams[0].Message ?? "";
        Assert.Contains($"Column 'n' of {Src}.f: the value NaN, which a decimal cannot hold", message, StringComparison.Ordinal);
        Assert.Contains("cast: float64", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_NumericNaNAndInfinityCastToFloat64_RoundTripThroughWarehouseToPostgres()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".f (id int PRIMARY KEY, n numeric); INSERT INTO \"{Src}\".f VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity'), (4, 2.5);");

        var into = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\ncolumns:\n  f.n: {{ cast: float64 }}\nstreams:\n  - select: \"{Src}.f\"\n");
        Assert.True(into.Succeeded, into.Streams[0].Message);
        var back = await project.SyncAsync($"name: s\nsource: warehouse\ndestination: pg\ntarget_schema: {Src}_back\nstreams:\n  - select: lake.f\n");

        Assert.True(back.Succeeded, back.Streams[0].Message);
        Assert.Equal(
            ["1|nan", "2|inf", "3|-inf", "4|2.5"],
            project.QueryWarehouse("SELECT id, CAST(n AS VARCHAR) FROM lake.f ORDER BY id"));
        var rows = await pg.QueryAsync($"SELECT id, n::text, pg_typeof(n)::text FROM \"{Src}_back\".f ORDER BY id");
        Assert.Equal(
            ["1|NaN|double precision", "2|Infinity|double precision", "3|-Infinity|double precision", "4|2.5|double precision"],
            rows.Select(TempProject.FormatRow));
    }

    [Fact]
    public async Task Sync_NumericNaNAndInfinityCastToString_ArriveAsPostgresText()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".f (id int PRIMARY KEY, n numeric); INSERT INTO \"{Src}\".f VALUES (1, 'NaN'), (2, 'Infinity'), (3, '-Infinity'), (4, 2.50);");

        var summary = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\ncolumns:\n  f.n: {{ cast: string }}\nstreams:\n  - select: \"{Src}.f\"\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(["1|NaN", "2|Infinity", "3|-Infinity", "4|2.50"], project.QueryWarehouse("SELECT id, n FROM lake.f ORDER BY id"));
    }

    [Fact]
    public async Task Sync_MoreDigitsAfterThePointThanTheScale_FailsNamingValue()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".r (id int PRIMARY KEY, n numeric); INSERT INTO \"{Src}\".r VALUES (1, 0.123456789012);");

        var summary = await project.SyncAsync($"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{Src}.r\"\n");

        Assert.False(summary.Succeeded);
        Assert.Contains("the value 0.123456789012 has more than 10 digits after the point", summary.Streams[0].Message ?? "", StringComparison.Ordinal);
    }
}
