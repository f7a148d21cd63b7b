using Nagare.Core.Connectors;
using Nagare.Core.Types;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Configuration;

public sealed class ProjectLoaderTests : IDisposable
{
    private readonly TempProject project = new();

    public ProjectLoaderTests()
    {
        project.Write("nagare.yml", "name: shop\n");
        project.Write("connections/files.yml", "name: inbox\ntype: files\npath: inbox\n");
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Load_MinimalProject_AppliesDefaultsAndWarehouse()
    {
        var config = ProjectLoader.Load(project.Root, environment: Env());

        Assert.Equal("shop", config.Name);
        Assert.Equal(Path.Combine(project.Root, ".nagare", "warehouse.duckdb"), config.WarehousePath);
        Assert.Equal(4, config.Defaults.Parallelism);
        Assert.Equal(["inbox", "warehouse"], config.Connections.Keys);
        Assert.Equal("duckdb", config.Connections["warehouse"].Type);
        Assert.Equal(config.WarehousePath, config.Connections["warehouse"].GetString("path"));
    }

    [Fact]
    public void Load_FullSync_ReadsEveryKey()
    {
        project.Write("syncs/orders.yml", """
            name: orders
            source: inbox
            target_schema: lake
            naming: "{schema}_{table}"
            on_error: quarantine
            vars:
              since: "2024-01-01"
            columns:
              "*.email": { mask: sha256 }
            streams:
              - select: ["public.*", "sales.*"]
                exclude: "public.tmp_*"
                mode: incremental
                cursor: updated_at
                primary_key: [id]
                columns:
                  amount: { cast: "decimal(12,2)" }
                  old: { rename: new }
                  secret: { exclude: true }
                  token: { mask: hmac, secret: "${TOKEN_KEY}" }
                chunking: { chunk_rows: 5000, chunks: 8, key: id }
              - select: "shard_*.orders_*"
                into: orders_all
                mode: merge
                delete_detection: soft
            """);

        var sync = ProjectLoader.Load(project.Root, environment: Env(("TOKEN_KEY", "k3y"))).Syncs["orders"];

        Assert.Equal("warehouse", sync.Destination);
        Assert.Equal("lake", sync.TargetSchema);
        Assert.Equal("{schema}_{table}", sync.Naming);
        Assert.Equal("2024-01-01", sync.Vars["since"]);
        Assert.Equal(MaskKind.Sha256, Assert.Single(sync.Columns).Mapping.Mask);
        var first = sync.Streams[0];
        Assert.Equal(["public.*", "sales.*"], first.Select.ToArray());
        Assert.Equal(["public.tmp_*"], first.Exclude.ToArray());
        Assert.Equal(WriteMode.Incremental, first.Mode);
        Assert.Equal("updated_at", first.Cursor);
        Assert.Equal(["id"], first.PrimaryKey.ToArray());
        Assert.Equal(OnError.Quarantine, first.OnError);
        Assert.Equal(ColumnType.Decimal(12, 2), first.Columns[0].Mapping.Cast);
        Assert.Equal("new", first.Columns[1].Mapping.Rename);
        Assert.True(first.Columns[2].Mapping.Exclude);
        Assert.Equal("k3y", first.Columns[3].Mapping.MaskSecret!.Reveal());
        Assert.Equal(new ChunkingConfig(5000, 8, "id"), first.Chunking);
        var second = sync.Streams[1];
        Assert.Equal("orders_all", second.Into);
        Assert.Equal("_source", second.SourceColumn);
        Assert.Equal(WriteMode.Merge, second.Mode);
        Assert.Equal(DeleteDetection.Soft, second.DeleteDetection);
    }

    [Fact]
    public void Load_UnknownKey_NamesFileLineColumnAndSuggests()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    mdoe: append\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal(Path.Join(project.Root, "syncs/s.yml"), e.File);
        Assert.Equal(5, e.Line);
        Assert.Equal(5, e.Column);
        Assert.Equal("streams[0].mdoe", e.Key);
        Assert.Contains("unknown key (did you mean 'mode'?)", e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Join(project.Root, "syncs/s.yml")}:5:5: streams[0].mdoe:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadEnumValue_PointsAtTheValue()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    mode: upsert\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((5, 11, "streams[0].mode"), (e.Line, e.Column, e.Key));
        Assert.Contains("'upsert' is not one of append, full_refresh, incremental, merge", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hard")]
    [InlineData("soft")]
    public void Load_MergeWithCursorAndDeleteDetection_IsRefusedWithWhatToWrite(string deletes)
    {
        project.Write("syncs/s.yml", $"name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    mode: merge\n    cursor: updated_at\n    delete_detection: {deletes}\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((7, 23, "streams[0].delete_detection"), (e.Line, e.Column, e.Key));
        Assert.Contains($"cannot be {deletes} in a merge with cursor 'updated_at'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Remove the cursor", e.Message, StringComparison.Ordinal);
        Assert.Contains("delete_detection: none", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MergeWithCursorFromTheSyncAndDeleteDetection_IsRefused()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nmode: merge\ncursor: updated_at\ndelete_detection: hard\nstreams:\n  - select: \"*\"\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Contains("cannot be hard in a merge with cursor 'updated_at'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StreamFilter_IsKeptAndRefusedBesideSql()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    filter: \"status <> 'test'\"\n");
        Assert.Equal("status <> 'test'", ProjectLoader.Load(project.Root, environment: Env()).Syncs["s"].Streams[0].Filter);

        project.Write("syncs/s.yml", "name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    sql: select 1\n    filter: x > 1\n");
        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal("streams[0].filter", e.Key);
        Assert.Contains("cannot be combined with 'sql'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadCast_NamesKeyAndType()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    columns:\n      amount: { cast: \"decimal(50,2)\" }\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((6, 23, "streams[0].columns.amount.cast"), (e.Line, e.Column, e.Key));
        Assert.Contains("decimal(50,2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ColumnRuleWithTypeKey_SaysToWriteCast()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\ncolumns:\n  t.n: { type: string }\nstreams:\n  - select: \"*\"\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((4, 16, "columns.\"t.n\".type"), (e.Line, e.Column, e.Key));
        Assert.Contains("is not a column rule key: write cast: instead, e.g. { cast: string }", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingEnvironmentVariable_NamesVariableFileAndKey()
    {
        project.Write("connections/pg.yml", "name: pg\ntype: postgres\ndatabase: shop\nuser: reader\npassword: ${PG_PASSWORD_FOR_TEST}\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((Path.Join(project.Root, "connections/pg.yml"), 5, 11, "password"), (e.File, e.Line, e.Column, e.Key));
        Assert.Contains("environment variable PG_PASSWORD_FOR_TEST is not set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SecretFromEnvironment_IsSubstitutedAndNeverPrinted()
    {
        project.Write("connections/pg.yml", "name: pg\ntype: postgres\ndatabase: shop_${STAGE}\nuser: reader\npassword: ${PG_PASSWORD_FOR_TEST}\n");

        var config = ProjectLoader.Load(project.Root, environment: Env(("PG_PASSWORD_FOR_TEST", "s3cr3t!"), ("STAGE", "dev")));
        var pg = config.Connections["pg"];

        Assert.Equal("shop_dev", pg.GetString("database"));
        Assert.Equal("s3cr3t!", pg.GetSecret("password")!.Reveal());
        Assert.Equal("***", pg.GetSecret("password")!.ToString());
        Assert.DoesNotContain("s3cr3t!", pg.ToString(), StringComparison.Ordinal);
        Assert.Null(pg.Settings["password"].Text);
    }

    [Fact]
    public void Load_UnknownConnectorType_Suggests()
    {
        project.Write("connections/pg.yml", "name: pg\ntype: postgress\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((2, 7, "type"), (e.Line, e.Column, e.Key));
        Assert.Contains("did you mean 'postgres'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SyncWithUnknownSource_ListsConnections()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbx\nstreams:\n  - select: \"*\"\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal((2, 9, "source"), (e.Line, e.Column, e.Key));
        Assert.Contains("no connection named 'inbx' (did you mean 'inbox'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConnectionWithShards_DefinesOneConnectionPerShardAndSyncsReadThemAll()
    {
        project.Write("connections/app.yml", "name: app\ntype: postgres\nhost: db1\nuser: etl\nshards:\n  - database: app_01\n  - { name: east, host: db2, database: app_02 }\n");
        project.Write("syncs/s.yml", "name: s\nsources: [app, inbox]\nstreams:\n  - select: \"*\"\n");

        var config = ProjectLoader.Load(project.Root, environment: Env());

        Assert.Equal(["app.app_01", "app.east"], config.Connections["app"].Shards.ToArray());
        Assert.Equal(("db1", "app_01", "app"), (config.Connections["app.app_01"].GetString("host"), config.Connections["app.app_01"].GetString("database"), config.Connections["app.app_01"].Template));
        Assert.Equal(("db2", "app_02", "etl"), (config.Connections["app.east"].GetString("host"), config.Connections["app.east"].GetString("database"), config.Connections["app.east"].GetString("user")));
        Assert.Equal(["app.app_01", "app.east", "inbox"], config.Syncs["s"].Sources.ToArray());
        Assert.Equal("app.app_01", config.Syncs["s"].Source);
    }

    [Fact]
    public void Load_ShardWithoutItsRequiredKey_NamesTheEntry()
    {
        project.Write("connections/app.yml", "name: app\ntype: postgres\nuser: etl\nshards:\n  - database: app_01\n  - { name: east, host: db2 }\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()).GetConnection("app"));

        Assert.True(e.Message.Contains("shards[1].database: is required for a postgres connection", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Load_ShardWithAMisspeltKey_NamesTheKeyAndTheRightOne()
    {
        project.Write("connections/app.yml", "name: app\ntype: postgres\nuser: etl\nshards:\n  - database: app_01\n  - databse: app_02\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()).GetConnection("app"));

        Assert.True(e.Message.Contains("shards[1].databse", StringComparison.Ordinal) && e.Message.Contains("did you mean 'database'?", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Load_SyncWithSourceAndSources_SaysToListThemAllUnderSources()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nsources: [inbox]\nstreams:\n  - select: \"*\"\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal("source", e.Key);
        Assert.Contains("and 'sources:' cannot both be given: list every connection under 'sources:'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SyncListingAConnectionTwice_IsAnError()
    {
        project.Write("connections/app.yml", "name: app\ntype: postgres\nhost: db1\nuser: etl\nshards:\n  - database: a\n  - database: b\n");
        project.Write("syncs/s.yml", "name: s\nsources: [app, app.b]\nstreams:\n  - select: \"*\"\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Contains("connection 'app.b' is listed twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TemplateAsOneConnection_SaysItIsATemplateAndNamesAShard()
    {
        project.Write("connections/app.yml", "name: app\ntype: postgres\nhost: db1\nuser: etl\nshards:\n  - database: a\n  - database: b\n");
        var config = ProjectLoader.Load(project.Root, environment: Env());

        var e = Assert.Throws<Nagare.Core.NagareException>(() => Nagare.Runtime.Connections.ConnectorRegistry.Default.Create(config, "app", TimeProvider.System));

        Assert.Equal("Connection 'app' is a template of 2 shards (app.a, app.b): a sync with source 'app' reads them all; anything else names one shard.", e.Message);
        Assert.Equal("Use one of them, e.g. app.a.", e.Hint);
    }

    [Fact]
    public void Load_IncrementalWithoutCursor_IsAnError()
    {
        project.Write("syncs/s.yml", "name: s\nsource: inbox\nstreams:\n  - select: \"*\"\n    mode: incremental\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Equal("streams[0].cursor", e.Key);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void Load_SyntaxError_NamesLine()
    {
        project.Write("syncs/s.yml", "name: s\nsource: [inbox\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.EndsWith("syncs/s.yml", e.File, StringComparison.Ordinal);
        Assert.True(e.Line >= 2);
    }

    [Fact]
    public void Load_NoProjectFile_SaysRunInit()
    {
        File.Delete(project.PathOf("nagare.yml"));

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: Env()));

        Assert.Contains("No nagare.yml", e.Message, StringComparison.Ordinal);
        Assert.Contains("nagare init", e.Hint, StringComparison.Ordinal);
    }

    public void Dispose() => project.Dispose();
}
