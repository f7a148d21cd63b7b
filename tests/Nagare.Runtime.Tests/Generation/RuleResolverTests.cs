using Nagare.Runtime.Generation;

namespace Nagare.Runtime.Tests.Generation;

public sealed class RuleResolverTests : IDisposable
{
    private static readonly CatalogTable Events = new("lake_app", "events",
    [
        new CatalogColumn("id", 1, "BIGINT", false),
        new CatalogColumn("event_date", 2, "VARCHAR"),
        new CatalogColumn("created_at", 3, "TIMESTAMP"),
        new CatalogColumn("mail", 4, "VARCHAR"),
    ]);

    private readonly GenerationFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Resolve_TwoRowsMatchColumn_LaterRowWins()
    {
        _files.Write("rules/casting.csv", "table,column,to_type,format\n*,*_date,DATE,yyyymmdd\nlake_app.events,event_date,TIMESTAMP,yyyy-mm-dd\n");

        var column = Resolve().Columns[1];

        Assert.Equal("strptime(NULLIF(event_date, ''), '%Y-%m-%d')", column.Expression);
        Assert.Equal("TIMESTAMP", column.OutputType);
        Assert.Equal("rules/casting.csv:3", column.Cast!.Origin.ToString());
    }

    [Fact]
    public void Resolve_TwoSheetsOfOneKind_LaterFileWins()
    {
        _files.Write("rules/masking.csv", "table,column,method\n*,mail,sha256\n");
        _files.Write("rules/masking_override.csv", "table,column,method\nlake_app.events,mail,md5\n");

        var resolved = Resolve();

        Assert.Equal("md5(CAST(mail AS VARCHAR))", resolved.Columns[3].Expression);
        Assert.Equal("mail", resolved.Columns[3].CleanExpression);
        Assert.Equal(["rules/masking_override.csv"], resolved.RuleFiles.ToArray());
    }

    [Fact]
    public void Resolve_CastThenTimeZoneThenMask_ComposeInThatOrder()
    {
        _files.Write("rules/casting.csv", "table,column,to_type,format,safe\nevents,event_date,TIMESTAMP,yyyymmdd,true\n");
        _files.Write("rules/timezone.csv", "table,column\nevents,event_date\n");
        _files.Write("rules/masking.csv", "table,column\nevents,event_date\n");

        var column = Resolve().Columns[1];

        Assert.Equal("timezone('Asia/Tokyo', timezone('UTC', try_strptime(NULLIF(event_date, ''), '%Y%m%d')))", column.CleanExpression);
        Assert.Equal("sha256(CAST(timezone('Asia/Tokyo', timezone('UTC', try_strptime(NULLIF(event_date, ''), '%Y%m%d'))) AS VARCHAR))", column.Expression);
        Assert.Equal("TIMESTAMP", column.CleanType);
        Assert.Equal("VARCHAR", column.OutputType);
    }

    [Fact]
    public void Resolve_TimeZoneGlobOverText_SkipsColumn()
    {
        _files.Write("rules/timezone.csv", "table,column\n*,*\n");

        var resolved = Resolve();

        Assert.Equal("timezone('Asia/Tokyo', timezone('UTC', created_at))", resolved.Columns[2].Expression);
        Assert.Null(resolved.Columns[1].TimeZone);
        Assert.Equal("event_date", resolved.Columns[1].Expression);
    }

    [Fact]
    public void Resolve_TimeZoneNamingTextColumn_FailsAtRow()
    {
        _files.Write("rules/timezone.csv", "table,column\nlake_app.events,mail\n");

        var e = Assert.Throws<GenerationException>(() => Resolve());

        Assert.Equal("rules/timezone.csv:2:2: lake_app.events.mail is VARCHAR, not a timestamp; cast it first (casting sheet) to convert its time zone", e.Message);
    }

    [Fact]
    public void Resolve_DedupKeyMissingInNamedTable_FailsAtField()
    {
        _files.Write("rules/dedup.csv", "table,key,order_by\nlake_app.events,id;event_id,created_at\n");

        var e = Assert.Throws<GenerationException>(() => Resolve());

        Assert.Equal("rules/dedup.csv:2:2: lake_app.events has no column 'event_id'", e.Message);
    }

    [Fact]
    public void Resolve_DedupGlobOverTableWithoutKey_SkipsTable()
    {
        _files.Write("rules/dedup.csv", "table,key,order_by\nlake_app.*,event_id,created_at\nlake_app.*,id,created_at\nlake_app.*,user_id,created_at\n");

        var resolved = Resolve();

        Assert.Equal(["id"], resolved.Dedup!.Keys.ToArray());
        Assert.Equal(3, resolved.Dedup.Origin.Line);
    }

    [Fact]
    public void Resolve_CastFromTypeDoesNotMatch_LeavesColumn()
    {
        _files.Write("rules/casting.csv", "table,column,from_type,to_type\n*,*,VARCHAR,DATE\n*,id,INT*,VARCHAR\n");

        var resolved = Resolve();

        Assert.Equal("id", resolved.Columns[0].Expression);
        Assert.Equal("CAST(event_date AS DATE)", resolved.Columns[1].Expression);
        Assert.Equal("created_at", resolved.Columns[2].Expression);
    }

    [Fact]
    public void Resolve_NamesFollowLayers_SchemaAndSecretSchema()
    {
        _files.Write("rules/generate.yml", "layers:\n  source: lake\n  target: cleansing\n  secret_suffix: _vault\n");

        var resolved = Resolve();

        Assert.Equal("cleansing_app", resolved.TargetSchema);
        Assert.Equal("cleansing_app_vault", resolved.SecretSchema);
        Assert.Equal("lake_app__events", resolved.ModelName);
        Assert.Equal("lake_app_vault__events", resolved.SecretModelName);
    }

    private ResolvedTable Resolve() => new RuleResolver(RuleSetLoader.Load(_files.PathOf("rules"), "rules")).Resolve(Events);
}
