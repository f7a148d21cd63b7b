using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class NodeSelectorTests : IDisposable
{
    private readonly TempProject _project = new();

    public NodeSelectorTests()
    {
        _project
            .Write("dbt_project.yml", """
                name: sel
                profile: sel
                models:
                  sel:
                    staging:
                      +tags: [staging]
                    marts:
                      +materialized: table
                """)
            .Write("profiles.yml", """
                sel:
                  target: dev
                  outputs:
                    dev: { type: duckdb, path: dev.duckdb, schema: dev }
                    ci: { type: duckdb, path: ci.duckdb, schema: ci_1234 }
                """)
            .Write("models/staging/sources.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: a\n")
            .Write("models/staging/stg_a.sql", "select * from {{ source('raw', 'a') }}")
            .Write("models/staging/stg_b.sql", "select 1 as id")
            .Write("models/marts/m1.sql", "select * from {{ ref('stg_a') }} join {{ ref('stg_b') }} using (id)")
            .Write("models/marts/m2.sql", "select * from {{ ref('m1') }}")
            .Write("models/marts/m3.sql", "{{ config(materialized='view') }} select * from {{ ref('m2') }}")
            .Write("models/marts/schema.yml", "version: 2\nmodels:\n  - name: m1\n    columns:\n      - name: id\n        tests: [unique]\n");
    }

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("m2", "m2")]
    [InlineData("+m2", "m1,m2,stg_a,stg_b,unique_m1_id")]
    [InlineData("m1+", "m1,m2,m3,unique_m1_id")]
    [InlineData("+m2+", "m1,m2,m3,stg_a,stg_b,unique_m1_id")]
    [InlineData("1+m2", "m1,m2,unique_m1_id")]
    [InlineData("m1+1", "m1,m2,unique_m1_id")]
    [InlineData("tag:staging", "stg_a,stg_b")]
    [InlineData("path:models/staging", "stg_a,stg_b")]
    [InlineData("path:models/marts/m2.sql", "m2")]
    [InlineData("source:raw+", "m1,m2,m3,stg_a,unique_m1_id")]
    [InlineData("config.materialized:table", "m1,m2,unique_m1_id")]
    [InlineData("resource_type:test", "unique_m1_id")]
    [InlineData("stg_a m3", "m3,stg_a")]
    [InlineData("tag:staging,stg_b", "stg_b")]
    [InlineData("marts.*", "m1,m2,m3,unique_m1_id")]
    [InlineData("sel.staging.stg_b", "stg_b")]
    [InlineData("@stg_a", "m1,m2,m3,stg_a,stg_b,unique_m1_id")]
    public void Select_Forms_MatchTheExpectedNodes(string select, string expected)
    {
        var manifest = _project.Compile();

        Assert.Equal(expected, Names(manifest, NodeSelector.Select(manifest, [select])));
    }

    [Fact]
    public void Select_Exclude_RemovesNodesAndTheirTests()
    {
        var manifest = _project.Compile();

        Assert.Equal("m2,m3", Names(manifest, NodeSelector.Select(manifest, ["m1+"], ["m1"])));
    }

    [Fact]
    public void Select_StateModifiedPlus_AgainstOtherTarget_PicksOnlyTheChangeAndDescendants()
    {
        _project.Compile("dev");
        var state = Path.Combine(_project.Root, "prod-state");
        Directory.CreateDirectory(state);
        File.Copy(Path.Combine(_project.Root, "target", "manifest.json"), Path.Combine(state, "manifest.json"));

        var unchanged = _project.Compile("ci");
        Assert.Empty(NodeSelector.Select(unchanged, ["state:modified+"], state: SavedState.Read(state)));

        _project.Write("models/marts/m2.sql", "select *, 2 as two from {{ ref('m1') }}");
        var changed = _project.Compile("ci");

        Assert.Equal("ci_1234", changed.Nodes["model.sel.m2"].Schema);
        Assert.Equal("m2,m3", Names(changed, NodeSelector.Select(changed, ["state:modified+"], state: SavedState.Read(state))));
        Assert.Equal("m2", Names(changed, NodeSelector.Select(changed, ["state:modified"], state: SavedState.Read(state))));
    }

    [Fact]
    public void Select_StateModified_SeesMacroAndConfigChanges()
    {
        _project.Write("macros/one.sql", "{% macro one() %}1{% endmacro %}").Write("models/staging/stg_b.sql", "select {{ one() }} as id");
        _project.Compile();
        var state = Path.Combine(_project.Root, "target");
        var saved = SavedState.Read(state);

        _project.Write("macros/one.sql", "{% macro one() %}2{% endmacro %}");
        _project.Write("dbt_project.yml", File.ReadAllText(Path.Combine(_project.Root, "dbt_project.yml")).Replace("+materialized: table", "+materialized: view", StringComparison.Ordinal));
        var changed = _project.Compile();

        Assert.Equal("m1,m2,stg_b,unique_m1_id", Names(changed, NodeSelector.Select(changed, ["state:modified"], state: saved)));
    }

    [Fact]
    public void Select_UnknownMethod_SaysWhatIsKnown()
    {
        var manifest = _project.Compile();

        var e = Assert.Throws<ModelProjectException>(() => NodeSelector.Select(manifest, ["colour:red"]));

        Assert.Contains("unknown method 'colour:'", e.Message, StringComparison.Ordinal);
    }

    private static string Names(Manifest manifest, IReadOnlySet<string> ids) =>
        string.Join(",", ids.Select(id => manifest.Nodes[id].Name).Order(StringComparer.Ordinal));
}
