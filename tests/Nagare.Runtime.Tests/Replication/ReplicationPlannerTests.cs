using System.Collections.Immutable;
using Nagare.Connectors.Postgres;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

public sealed class ReplicationPlannerTests : IDisposable
{
    private readonly TempProject project = new();

    private static StreamSchema Table(string id, params (string Name, ColumnType Type)[] columns) =>
        new(StreamId.Parse(id), [.. columns.Select(c => new ColumnSchema(c.Name, c.Type))], ["id"], []);

    private SyncConfig Sync(string body)
    {
        project.Write("nagare.yml", "name: t\n").Write("connections/src.yml", "name: src\ntype: files\npath: x\n").Write("syncs/s.yml", "name: s\nsource: src\n" + body);
        return ProjectLoader.Load(project.Root, environment: _ => null).Syncs["s"];
    }

    [Fact]
    public void Plan_GlobsAndExcludes_SelectInDeterministicOrder()
    {
        var sync = Sync("streams:\n  - select: \"public.*\"\n    exclude: [\"public.tmp_*\"]\n");
        StreamSchema[] discovered =
        [
            Table("public.orders", ("id", ColumnType.Int64)),
            Table("sales.orders", ("id", ColumnType.Int64)),
            Table("public.tmp_x", ("id", ColumnType.Int64)),
            Table("public.customers", ("id", ColumnType.Int64)),
        ];

        var plan = ReplicationPlanner.Plan(sync, discovered, PostgresDialect.Instance, PlanOptions.Default);

        Assert.Equal(["customers", "orders"], plan.Tables.Select(t => t.Target.Name));
        Assert.Equal(4, plan.DiscoveredStreams);
        Assert.True(plan.Tables[0].Sources[0].IsIdentity);
    }

    [Fact]
    public void Plan_NamingTemplateAndSanitizing_ReportsEveryRename()
    {
        var sync = Sync("target_schema: lake\nnaming: \"{schema}_{table}\"\nstreams:\n  - select: \"*\"\n");
        var longName = new string('x', 70);
        StreamSchema[] discovered = [Table($"app.{longName}", ("id", ColumnType.Int64), (longName + "_col", ColumnType.String))];

        var plan = ReplicationPlanner.Plan(sync, discovered, PostgresDialect.Instance, PlanOptions.Default);

        var table = Assert.Single(plan.Tables);
        Assert.Equal("lake", table.Target.Namespace);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(table.Target.Name) <= 63);
        Assert.StartsWith("app_xxx", table.Target.Name, StringComparison.Ordinal);
        Assert.Equal(2, plan.Renames.Length);
        Assert.Contains(plan.Renames, r => r.Column is null && r.From == $"app_{longName}" && r.To == table.Target.Name);
        Assert.Contains(plan.Renames, r => r.Column == longName + "_col" && r.To == table.Columns[1].Name);
    }

    [Fact]
    public void Plan_SameNameFromTwoSchemas_FailsWithNamingHint()
    {
        var sync = Sync("streams:\n  - select: \"*\"\n");
        StreamSchema[] discovered = [Table("a.orders", ("id", ColumnType.Int64)), Table("b.orders", ("id", ColumnType.Int64))];

        var e = Assert.Throws<NagareException>(() => ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default));

        Assert.Contains("a.orders and b.orders would both load into table 'orders'", e.Message, StringComparison.Ordinal);
        Assert.Contains("{schema}_{table}", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_FanIn_UnionsColumnsWidensTypesAndAddsSource()
    {
        var sync = Sync("streams:\n  - select: \"shard_*.orders_*\"\n    into: orders_all\n");
        StreamSchema[] discovered =
        [
            Table("shard_1.orders_2024", ("id", ColumnType.Int32), ("amount", ColumnType.Decimal(10, 2))),
            Table("shard_2.orders_2024", ("id", ColumnType.Int64), ("amount", ColumnType.Decimal(12, 4)), ("note", ColumnType.String)),
        ];

        var plan = ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default);

        var table = Assert.Single(plan.Tables);
        Assert.Equal("orders_all", table.Target.Name);
        Assert.Equal(
            ["id int64", "amount decimal(12,4)", "note string", "_source string"],
            table.Columns.Select(c => $"{c.Name} {c.Type}"));
        Assert.Equal(["id", "_source"], table.PrimaryKey.ToArray());
        Assert.Equal([ColumnOperation.Cast, ColumnOperation.Cast, ColumnOperation.Null, ColumnOperation.SourceName], table.Sources[0].Columns.Select(c => c.Operation));
        Assert.Equal([ColumnOperation.Copy, ColumnOperation.Copy, ColumnOperation.Copy, ColumnOperation.SourceName], table.Sources[1].Columns.Select(c => c.Operation));
    }

    [Fact]
    public void Plan_FanInIncompatibleTypes_NamesTheOddTable()
    {
        var sync = Sync("streams:\n  - select: \"shard_*.t\"\n    into: all_t\n");
        StreamSchema[] discovered =
        [
            Table("shard_1.t", ("id", ColumnType.Int64), ("v", ColumnType.Int64)),
            Table("shard_2.t", ("id", ColumnType.Int64), ("v", ColumnType.Uuid)),
        ];

        var e = Assert.Throws<NagareException>(() => ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default));

        Assert.Equal("Sync 's': fan-in into 'all_t': column 'v' is int64 in shard_1.t but uuid in shard_2.t; the tables are not compatible.", e.Message);
    }

    [Fact]
    public void Plan_SourceThatSplits_DecidesChunkingOncePerTable()
    {
        var sync = Sync("streams:\n  - select: \"app.big\"\n    mode: merge\n    chunking: { chunks: 8 }\n  - select: \"app.small\"\n  - select: \"app.log\"\n    mode: append\n    chunking: { chunks: 8 }\n");
        StreamSchema[] discovered =
        [
            Table("app.big", ("id", ColumnType.Int64)),
            Table("app.small", ("id", ColumnType.Int64)) with { EstimatedRows = 10 },
            Table("app.log", ("id", ColumnType.Int64)),
        ];

        var split = ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default, keyRanges: true).Tables.ToDictionary(t => t.Target.Name, t => t.Chunking);
        var whole = ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default, keyRanges: false).Tables;

        Assert.Equal(new ChunkPlan("id", 8), split["big"]);
        Assert.Null(split["small"]);
        Assert.Null(split["log"]);
        Assert.All(whole, t => Assert.Null(t.Chunking));
    }

    [Theory]
    [InlineData("app.users")]
    [InlineData("users")]
    [InlineData("lake.users")]
    public void Plan_SelectOption_MatchesSourceStreamOrDestinationTable(string select)
    {
        var sync = Sync("target_schema: lake\nstreams:\n  - select: \"app.*\"\n");
        StreamSchema[] discovered = [Table("app.users", ("id", ColumnType.Int64)), Table("app.orders", ("id", ColumnType.Int64))];

        var plan = ReplicationPlanner.Plan(sync, discovered, null, new PlanOptions(Select: select));

        Assert.Equal("lake.users", Assert.Single(plan.Tables).Target.ToString());
    }

    [Fact]
    public void Plan_ColumnRules_RenameExcludeCastMask()
    {
        var sync = Sync("columns:\n  \"*.email\": { mask: sha256 }\nstreams:\n  - select: \"*\"\n    columns:\n      name: { rename: full_name }\n      pw: { exclude: true }\n      amount: { cast: \"decimal(12,2)\" }\n");
        StreamSchema[] discovered = [Table("app.users", ("id", ColumnType.Int64), ("name", ColumnType.String), ("pw", ColumnType.String), ("email", ColumnType.String), ("amount", ColumnType.Float64))];

        // A source that converts values where it reads them (SQL sources, files) is asked for the cast type.
        var table = Assert.Single(ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default, castOnRead: true).Tables);

        Assert.Equal(["id int64", "full_name string", "email string", "amount decimal(12,2)"], table.Columns.Select(c => $"{c.Name} {c.Type}"));
        Assert.Equal(["id int64", "name string", "email string", "amount decimal(12,2)"], table.Sources[0].ReadColumns.Select(c => $"{c.Name} {c.Type}"));
        Assert.Equal([ColumnOperation.Copy, ColumnOperation.Copy, ColumnOperation.Mask, ColumnOperation.Copy], table.Sources[0].Columns.Select(c => c.Operation));
        Assert.False(table.Sources[0].IsIdentity);
    }

    [Fact]
    public void Plan_CustomSqlWithVariables_RendersFromVarsAndOverrides()
    {
        var sync = Sync("vars:\n  since: \"2024-01-01\"\nstreams:\n  - select: \"app.orders\"\n    sql: \"SELECT * FROM {{ schema }}.{{ table }} WHERE day >= '{{ since }}' AND region = '{{ region }}'\"\n");
        StreamSchema[] discovered = [Table("app.orders", ("id", ColumnType.Int64))];

        var plan = ReplicationPlanner.Plan(sync, discovered, null, new PlanOptions(Vars: ImmutableDictionary<string, string>.Empty.Add("region", "kanto")));

        Assert.Equal("SELECT * FROM app.orders WHERE day >= '2024-01-01' AND region = 'kanto'", plan.Tables[0].Sources[0].CustomSql);
        var e = Assert.Throws<NagareException>(() => ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default));
        Assert.Contains("query variable 'region' is not defined", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiscoverRequestFor_LiteralSchemas_AsksForThemOnly()
    {
        var sync = Sync("streams:\n  - select: \"public.*\"\n  - select: \"sales.order?\"\n");

        var request = ReplicationPlanner.DiscoverRequestFor(sync, PlanOptions.Default);

        Assert.Equal(["public", "sales"], request.Namespaces!);
        Assert.Null(request.NamePattern);
    }

    [Fact]
    public void Plan_FullRefreshOption_OverridesMode()
    {
        var sync = Sync("streams:\n  - select: \"*\"\n    mode: incremental\n    cursor: id\n");
        StreamSchema[] discovered = [Table("app.t", ("id", ColumnType.Int64))];

        Assert.Equal(WriteMode.Incremental, ReplicationPlanner.Plan(sync, discovered, null, PlanOptions.Default).Tables[0].Mode);
        Assert.Equal(WriteMode.FullRefresh, ReplicationPlanner.Plan(sync, discovered, null, new PlanOptions(FullRefresh: true)).Tables[0].Mode);
    }

    public void Dispose() => project.Dispose();
}
