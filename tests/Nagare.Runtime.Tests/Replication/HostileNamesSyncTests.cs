using Nagare.DuckDb;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// Schemas, tables and columns named with quotes, spaces, unicode, reserved words and control characters,
/// from PostgreSQL into the warehouse and back.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostileNamesSyncTests : IAsyncLifetime
{
    // A control character: the one kind of name the destinations rewrite (to _), so the rename report has entries.
    private const string Tab = "\t";

    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    // Quotes, a space and a unicode letter in the schema name itself.
    private string Source => $"Sales \"EU\" ü{pg.Schema[^8..]}";

    private string SourceSql => "\"" + Source.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_hostile");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg"));
        await pg.ExecuteAsync($"""
            CREATE SCHEMA {SourceSql};
            CREATE TABLE {SourceSql}."order" ("select" int PRIMARY KEY, "naïve name" text, "a""b" numeric(10,2), "Tab{Tab}here" text, " padded " text);
            INSERT INTO {SourceSql}."order" VALUES (1, 'Zoë "quoted"', 12.34, E'x\ty', ' kept '), (2, NULL, -0.01, NULL, ''), (3, '日本語', 0.00, 'z', NULL);
            CREATE TABLE {SourceSql}."line{Tab}items" ("from" int PRIMARY KEY, "group" text);
            INSERT INTO {SourceSql}."line{Tab}items" VALUES (10, 'a'), (20, 'b');
            """);
    }

    public async Task DisposeAsync()
    {
        await pg.ExecuteAsync($"DROP SCHEMA IF EXISTS {SourceSql} CASCADE");
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Sync_HostileNamesIntoWarehouseAndBack_KeepsQuotedNamesReportsRenamesAndValues()
    {
        var select = $"'{Source}.*'";
        var intoWarehouse = $"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: {select}\n    mode: merge\n";

        var first = await project.SyncAsync(intoWarehouse);
        await pg.ExecuteAsync($"UPDATE {SourceSql}.\"order\" SET \"naïve name\" = 'Ünï \"2\"', \"a\"\"b\" = 7.50 WHERE \"select\" = 2");
        var second = await project.SyncAsync(intoWarehouse);

        Assert.True(first.Succeeded, string.Join("; ", first.Streams.Select(s => s.Message)));
        Assert.True(second.Succeeded, string.Join("; ", second.Streams.Select(s => s.Message)));
        Assert.Equal(["lake.line_items", "lake.order"], first.Streams.Select(s => s.Table).Order(StringComparer.Ordinal));
        Assert.Equal(
            [
                $"{Source}.line\titems|(table)|line\titems|line_items",
                $"{Source}.order| padded | padded |padded",
                $"{Source}.order|Tab\there|Tab\there|Tab_here",
            ],
            first.Renames.Select(r => $"{r.Stream}|{r.Column ?? "(table)"}|{r.From}|{r.To}").Order(StringComparer.Ordinal));
        Assert.Equal(
            ["select|INTEGER", "naïve name|VARCHAR", "a\"b|DECIMAL(10,2)", "Tab_here|VARCHAR", "padded|VARCHAR"],
            project.QueryWarehouse("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'lake' AND table_name = 'order' ORDER BY ordinal_position"));
        Assert.Equal(
            ["1|Zoë \"quoted\"|12.34|x\ty| kept ", "2|Ünï \"2\"|7.50|NULL|", "3|日本語|0.00|z|NULL"],
            project.QueryWarehouse("SELECT \"select\", \"naïve name\", \"a\"\"b\", \"Tab_here\", \"padded\" FROM lake.\"order\" ORDER BY \"select\""));
        Assert.Equal(["10|a", "20|b"], project.QueryWarehouse("SELECT \"from\", \"group\" FROM lake.line_items ORDER BY 1"));

        // The warehouse declares no primary keys on the tables it loads, so the way back names them.
        var back = await project.SyncAsync($"name: s\nsource: warehouse\ndestination: pg\ntarget_schema: {pg.Schema}_dst\nstreams:\n  - select: lake.order\n    mode: merge\n    primary_key: [\"select\"]\n  - select: lake.line_items\n    mode: merge\n    primary_key: [\"from\"]\n");

        Assert.True(back.Succeeded, string.Join("; ", back.Streams.Select(s => s.Message)));
        Assert.Empty(back.Renames);
        var dst = $"\"{pg.Schema}_dst\"";
        Assert.Equal(
            ["select|integer", "naïve name|text", "a\"b|numeric", "Tab_here|text", "padded|text"],
            (await pg.QueryAsync($"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '{pg.Schema}_dst' AND table_name = 'order' ORDER BY ordinal_position")).Select(TempProject.FormatRow));
        Assert.Equal(
            ["1|Zoë \"quoted\"|12.34|x\ty| kept ", "2|Ünï \"2\"|7.50|NULL|", "3|日本語|0.00|z|NULL"],
            (await pg.QueryAsync($"SELECT \"select\", \"naïve name\", \"a\"\"b\", \"Tab_here\", padded FROM {dst}.\"order\" ORDER BY \"select\"")).Select(TempProject.FormatRow));
        Assert.Equal(["10|a", "20|b"], (await pg.QueryAsync($"SELECT \"from\", \"group\" FROM {dst}.line_items ORDER BY 1")).Select(TempProject.FormatRow));
    }
}
