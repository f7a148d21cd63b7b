using System.Text.Json;

namespace Nagare.Cli.Tests;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-cli-gen-" + Guid.NewGuid().ToString("N")[..12]);

    public GenerateCommandTests()
    {
        var example = Path.Combine(BuildCommandTests.RepositoryRoot(), "examples", "generate");
        foreach (var file in Directory.EnumerateFiles(example, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_dir, Path.GetRelativePath(example, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left behind in /tmp is harmless.
        }
    }

    [Fact]
    public async Task Generate_ExampleTwice_SummarySaysUnchanged()
    {
        var first = await CliRun.RunAsync("generate", "--project", _dir, "--catalog", Path.Combine(_dir, "catalog.csv"), "--rules", Path.Combine(_dir, "rules"));
        var second = await CliRun.RunAsync("generate", "--project", _dir, "--catalog", Path.Combine(_dir, "catalog.csv"), "--rules", Path.Combine(_dir, "rules"));

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("  created  models/dwh/lake_app/lake_app__orders.sql\n", first.Out, StringComparison.Ordinal);
        Assert.EndsWith("4 tables → models/dwh: 14 created, 0 changed, 0 unchanged, 0 removed\n", first.Out, StringComparison.Ordinal);
        Assert.Equal("4 tables → models/dwh: 0 created, 0 changed, 14 unchanged, 0 removed\n", second.Out);
        Assert.Equal(string.Empty, second.Error);
    }

    [Fact]
    public async Task Generate_JsonDryRunForCompany_ListsFilesWithoutWriting()
    {
        var run = await CliRun.RunAsync("generate", "--project", _dir, "--catalog", Path.Combine(_dir, "catalog.csv"), "--rules", Path.Combine(_dir, "rules"), "--company", Path.Combine(_dir, "companies", "hamee.yml"), "--dry-run", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal("models/mart/public_hamee", json.RootElement.GetProperty("output").GetString());
        Assert.True(json.RootElement.GetProperty("dry_run").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("tables").GetInt32());
        Assert.Equal(
            ["public_hamee__order_items.sql", "public_hamee__order_items.yml", "public_hamee__orders.sql", "public_hamee__orders.yml"],
            json.RootElement.GetProperty("created").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.False(Directory.Exists(Path.Combine(_dir, "models")));
    }

    [Fact]
    public async Task Generate_BadRuleSheet_ExitsOneWithPlace()
    {
        File.WriteAllText(Path.Combine(_dir, "rules", "masking.csv"), "table,column,methd\n*,email,sha256\n");

        var run = await CliRun.RunAsync("generate", "--project", _dir, "--catalog", Path.Combine(_dir, "catalog.csv"), "--rules", Path.Combine(_dir, "rules"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: rules/masking.csv:1:3: unknown column 'methd'; expected table, column, method, note\n", run.Error);
    }

    [Fact]
    public async Task Generate_NoCatalog_ExitsOneSayingWhatToPass()
    {
        var run = await CliRun.RunAsync("generate", "--project", _dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Give exactly one of --catalog CSV or --connection NAME.\n", run.Error);
    }

    [Fact]
    public async Task Generate_InitTemplates_WritesBuiltIns()
    {
        var folder = Path.Combine(_dir, "mine");

        var run = await CliRun.RunAsync("generate", "--init-templates", "--templates", folder);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(8, Directory.GetFiles(folder, "*.j2").Length);
        Assert.Contains($"wrote {Path.Combine(folder, "model.sql.j2")}\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WarehouseConnection_ReadsDuckDbCatalog()
    {
        var warehouse = Path.Combine(_dir, ".nagare", "warehouse.duckdb");
        Directory.CreateDirectory(Path.GetDirectoryName(warehouse)!);
        using (var db = new Nagare.DuckDb.DuckDbConnection("Data Source=" + warehouse))
        {
            db.Open();
            using var create = db.CreateCommand();
            create.CommandText = "CREATE SCHEMA lake_crm; CREATE TABLE lake_crm.contacts (id BIGINT, email VARCHAR, signed_up VARCHAR)";
            create.ExecuteNonQuery();
        }

        var run = await CliRun.RunAsync("generate", "--project", _dir, "--connection", "warehouse", "--rules", Path.Combine(_dir, "rules"));

        Assert.Equal(0, run.ExitCode);
        var sql = File.ReadAllText(Path.Combine(_dir, "models", "dwh", "lake_crm", "lake_crm__contacts.sql"));
        Assert.StartsWith("-- Generated by nagare generate from lake_crm.contacts with connection warehouse, rules/masking.csv, built-in:model.sql.j2;", sql, StringComparison.Ordinal);
        Assert.Contains("    sha256(CAST(email AS VARCHAR)) as email,\n", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WarehouseWithOwnTablesAndExclude_GeneratesOnlyDataTables()
    {
        var warehouse = Path.Combine(_dir, ".nagare", "warehouse.duckdb");
        Directory.CreateDirectory(Path.GetDirectoryName(warehouse)!);
        using (var db = new Nagare.DuckDb.DuckDbConnection("Data Source=" + warehouse))
        {
            db.Open();
            using var create = db.CreateCommand();
            create.CommandText = """
                CREATE SCHEMA lake_crm; CREATE SCHEMA _nagare;
                CREATE TABLE lake_crm.contacts (id BIGINT);
                CREATE TABLE lake_crm.notes (id BIGINT);
                CREATE TABLE lake_crm.audit (id BIGINT);
                CREATE TABLE lake_crm._rejected (sync VARCHAR, reason VARCHAR);
                CREATE TABLE lake_crm.contacts__nagare_staging (id BIGINT);
                CREATE TABLE lake_crm._nagare_sync_state (sync_name VARCHAR);
                CREATE TABLE _nagare.sync_state (sync_name VARCHAR);
                CREATE TABLE _nagare.sync_chunks (sync_name VARCHAR);
                """;
            create.ExecuteNonQuery();
        }

        var run = await CliRun.RunAsync("generate", "--project", _dir, "--connection", "warehouse", "--exclude", "notes", "--exclude", "lake_crm.aud*", "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(1, json.RootElement.GetProperty("tables").GetInt32());
        Assert.Equal(
            ["lake_crm/_lake_crm__sources.yml", "lake_crm/lake_crm__contacts.sql", "lake_crm/lake_crm__contacts.yml"],
            json.RootElement.GetProperty("created").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var sources = File.ReadAllText(Path.Combine(_dir, "models", "dwh", "lake_crm", "_lake_crm__sources.yml"));
        Assert.Contains("- name: contacts", sources, StringComparison.Ordinal);
        Assert.Contains("- name: notes", sources, StringComparison.Ordinal);
        Assert.DoesNotContain("_rejected", sources, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_ExcludeAfterFullRun_LeavesExcludedFilesAlone()
    {
        var catalog = Path.Combine(_dir, "catalog.csv");
        await CliRun.RunAsync("generate", "--project", _dir, "--catalog", catalog, "--rules", Path.Combine(_dir, "rules"));

        var run = await CliRun.RunAsync("generate", "--project", _dir, "--catalog", catalog, "--rules", Path.Combine(_dir, "rules"), "--exclude", "lake_app.orders", "--prune");

        Assert.Equal(0, run.ExitCode);
        Assert.EndsWith("3 tables → models/dwh: 0 created, 0 changed, 12 unchanged, 0 removed\n", run.Out);
        Assert.True(File.Exists(Path.Combine(_dir, "models", "dwh", "lake_app", "lake_app__orders.sql")));
    }
}
