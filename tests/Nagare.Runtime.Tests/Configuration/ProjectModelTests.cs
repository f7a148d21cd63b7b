using Nagare.Runtime.Configuration;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Configuration;

/// <summary>nagare.yml and the files beside it read once into one model, whatever the command.</summary>
public sealed class ProjectModelTests : IDisposable
{
    private readonly TempProject project = new();

    public ProjectModelTests()
    {
        project.Write("connections/files.yml", "name: inbox\ntype: files\npath: inbox\n");
        project.Write("syncs/orders.yml", "name: orders\nsource: inbox\nstreams:\n  - select: \"*\"\n");
    }

    private static Func<string, string?> NoEnvironment => _ => null;

    [Fact]
    public void Load_NagareYmlWithModelKeys_ReadsThemBesideConnectionsAndSyncs()
    {
        project.Write("nagare.yml", """
            name: shop
            models:
              paths: [transform]
              config:
                dwh: { +materialized: table }
              seeds: { +schema: lake_seed }
            vars:
              start_date: "2024-01-01"
              regions: [east, west]
            targets:
              dev: { schema_prefix: dev_ }
              ci: { warehouse: .nagare/ci.duckdb, schema_suffix: _ci, threads: 4 }
            default_target: ci
            target_path: build
            """);

        var config = ProjectLoader.Load(project.Root, environment: NoEnvironment);

        Assert.Equal(["orders"], config.Syncs.Keys);
        Assert.Equal(["transform"], config.Models.ModelPaths.ToArray());
        Assert.Equal(["seeds"], config.Models.SeedPaths.ToArray());
        Assert.Equal("build", config.Models.TargetPath);
        Assert.Equal("2024-01-01", config.Models.Vars["start_date"]);
        Assert.Equal(new object?[] { "east", "west" }, (System.Collections.Immutable.ImmutableArray<object?>)config.Models.Vars["regions"]!);
        var dwh = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(config.Models.ModelConfig["dwh"]);
        Assert.Equal("table", dwh["+materialized"]);
        Assert.Equal(["dev", "ci"], config.Models.Targets.Select(t => t.Name));
        Assert.Equal(new TargetConfig("ci", ".nagare/ci.duckdb", null, string.Empty, "_ci", 4, config.Models.Targets[1].Location), config.Models.Targets[1]);
        Assert.Equal("ci", config.Models.DefaultTarget);
        Assert.True(config.Broken.IsEmpty);
    }

    [Fact]
    public void Load_NoModelKeys_UsesTheOneSetOfDefaults()
    {
        project.Write("nagare.yml", "name: shop\n");

        var config = ProjectLoader.Load(project.Root, environment: NoEnvironment);

        Assert.Equal(Path.Combine(project.Root, ProjectDefaults.WarehousePath), config.WarehousePath);
        Assert.Equal(Path.Combine(project.Root, ".nagare", "warehouse.duckdb"), config.WarehousePath);
        Assert.Equal(ProjectDefaults.Default, config.Defaults);
        Assert.Equal(ModelSettings.Default, config.Models);
        Assert.Equal(1_000_000, ChunkingConfig.Default.ChunkRows);
        Assert.Equal(1_000_000, config.Syncs["orders"].Streams[0].Chunking.ChunkRows);
    }

    [Fact]
    public void Load_MisspeltTopLevelKey_NamesFileLineColumnDidYouMeanAndEveryKnownKey()
    {
        project.Write("nagare.yml", "name: shop\ntargts:\n  dev: {}\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: NoEnvironment));

        Assert.Equal(
            $"{Path.Join(project.Root, "nagare.yml")}:2:1: targts: unknown key (did you mean 'targets'?). Known keys: default_target, defaults, models, name, pools, target, target_path, targets, timezone, vars, warehouse, warehouse_block_size, warehouse_compression",
            e.Message);
        Assert.Equal(("targts", 2, 1), (e.Key, e.Line, e.Column));
    }

    [Fact]
    public void WarehousePath_MisspeltTopLevelKey_FailsAsLoadDoes()
    {
        project.Write("nagare.yml", "name: shop\nvar:\n  a: 1\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.WarehousePath(project.Root, NoEnvironment));

        Assert.Contains("var: unknown key (did you mean 'vars'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ProblemsInSeveralFiles_ReportsEveryOneSortedByFileAndLine()
    {
        project.Write("nagare.yml", "name: shop\n");
        project.Write("connections/pg.yml", "name: pg\ntype: postgres\ndatabase: shop\nuser: me\nhots: db\nprot: 5432\n");
        project.Write("syncs/broken.yml", "source: inbox\nmdoe: append\nstreams:\n  - select: \"*\"\n    cursr: id\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: NoEnvironment));

        Assert.Equal(
            [("connections/pg.yml", 5, "hots"), ("connections/pg.yml", 6, "prot"), ("syncs/broken.yml", 2, "mdoe"), ("syncs/broken.yml", 5, "streams[0].cursr")],
            e.Problems.Select(p => (Path.GetRelativePath(project.Root, p.File!).Replace('\\', '/'), p.Line, p.Key)));
        var lines = e.Message.Split('\n');
        Assert.Equal("4 problems in the project files:", lines[0]);
        Assert.StartsWith($"  {Path.Join(project.Root, "connections/pg.yml")}:5:1: hots: unknown key (did you mean 'host'?)", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"  {Path.Join(project.Root, "syncs/broken.yml")}:5:5: streams[0].cursr: unknown key (did you mean 'cursor'?)", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BrokenNagareYml_FailsListingItsProblemsAndTheOtherFiles()
    {
        project.Write("nagare.yml", "name: shop\ndefaults:\n  parallelism: many\nwarehous: x.duckdb\n");
        project.Write("connections/bad.yml", "name: bad\ntype: postgress\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Read(project.Root, environment: NoEnvironment));

        Assert.Equal(["connections/bad.yml", "nagare.yml", "nagare.yml"], e.Problems.Select(p => Path.GetRelativePath(project.Root, p.File!).Replace('\\', '/')));
        Assert.Equal(["type", "defaults.parallelism", "warehous"], e.Problems.Select(p => p.Key));
    }

    [Fact]
    public void Read_BrokenConnection_LeavesItOutAndKeepsUnrelatedSyncs()
    {
        project.Write("nagare.yml", "name: shop\n");
        project.Write("connections/crm.yml", "name: crm\ntype: postgres\ndatabase: crm\nuser: me\npasword: x\n");
        project.Write("syncs/crm.yml", "name: crm_to_lake\nsource: crm\nstreams:\n  - select: \"*\"\n");

        var config = ProjectLoader.Read(project.Root, environment: NoEnvironment);

        Assert.Equal("inbox", config.GetSync("orders").Source);
        Assert.Equal("inbox", config.GetConnection("inbox").Name);
        var broken = Assert.Single(config.Broken);
        Assert.Equal(("connection", "crm"), (broken.Kind, broken.Name));
        var e = Assert.Throws<ConfigException>(() => config.GetSync("crm_to_lake"));
        Assert.Equal(
            $"Sync 'crm_to_lake' cannot run: its source connection 'crm' has problems: {Path.Join(project.Root, "connections/crm.yml")}:5:1: pasword: unknown key (did you mean 'password'?). Known keys: {broken.Problem.Message.Split("Known keys: ")[1]}",
            e.Message);
        var direct = Assert.Throws<ConfigException>(() => config.GetConnection("crm"));
        Assert.StartsWith("Connection 'crm' cannot be used: ", direct.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BrokenSync_FailsOnlyThatSync()
    {
        project.Write("nagare.yml", "name: shop\n");
        project.Write("syncs/bad.yml", "name: bad\nsource: inbox\nstreams:\n  - select: \"*\"\n    mode: upsert\n");

        var config = ProjectLoader.Read(project.Root, environment: NoEnvironment);

        Assert.Equal("orders", config.GetSync("orders").Name);
        var e = Assert.Throws<ConfigException>(() => config.GetSync("bad"));
        Assert.StartsWith($"Sync 'bad' cannot run: {Path.Join(project.Root, "syncs/bad.yml")}:5:11: streams[0].mode: 'upsert' is not one of", e.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: NoEnvironment));
    }

    [Fact]
    public void Load_DefaultTargetNotDefined_FailsWithDidYouMean()
    {
        project.Write("nagare.yml", "name: shop\ntargets:\n  prod: {}\n  dev: {}\ndefault_target: prd\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: NoEnvironment));

        Assert.Equal($"{Path.Join(project.Root, "nagare.yml")}:5:17: default_target: no target 'prd' under targets: (did you mean 'prod'?). Defined: prod, dev", e.Message);
    }

    [Fact]
    public void Load_MisspeltTargetKey_FailsWithDidYouMean()
    {
        project.Write("nagare.yml", "name: shop\ntargets:\n  ci: { schema_sufix: _ci }\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: NoEnvironment));

        Assert.Contains("nagare.yml:3:9: targets.ci.schema_sufix: unknown key (did you mean 'schema_suffix'?)", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => project.Dispose();
}
