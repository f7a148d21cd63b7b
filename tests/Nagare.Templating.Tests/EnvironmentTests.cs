namespace Nagare.Templating.Tests;

public sealed class EnvironmentTests
{
    private sealed record Relation(string Database, string Schema, string Identifier)
    {
        public override string ToString() => $"\"{Database}\".\"{Schema}\".\"{Identifier}\"";
    }

    [Fact]
    public void RegisterFunction_DictArgument_EnumeratesAsDictionaryEntries()
    {
        var environment = new TemplateEnvironment();
        var entries = new List<string>();
        environment.RegisterFunction("config", args =>
        {
            foreach (System.Collections.DictionaryEntry entry in (System.Collections.IDictionary)args.Keyword["partition_by"]!)
            {
                entries.Add($"{entry.Key}={entry.Value}");
            }

            return "";
        });

        environment.Parse("{{ config(partition_by={'field': 'x', 'granularity': 'day'}) }}").Render();

        Assert.Equal(["field=x", "granularity=day"], entries);
    }

    [Fact]
    public void RegisterFunction_ReceivesPositionalAndKeywordArguments()
    {
        var environment = new TemplateEnvironment();
        environment.RegisterFunction("ref", args =>
            $"{args.Positional.Count}:{string.Join("/", args.Positional)}:{args.Keyword.GetValueOrDefault("v")}:{args.Get(5, "missing", "dflt")}");

        var output = environment.Parse("{{ ref('pkg', 'model', v=2) }}").Render();

        Assert.Equal("2:pkg/model:2:dflt", output);
    }

    [Fact]
    public void RegisterFunction_ReturnedObject_ExposesPropertiesAndPrintsWithToString()
    {
        var environment = new TemplateEnvironment();
        environment.RegisterFunction("ref", args => new Relation("db", "main", (string)args.Positional[0]!));

        var output = environment.Parse("select * from {{ ref('orders') }} -- {{ ref('orders').identifier }} {{ ref('x').Schema }} [{{ ref('x').nope }}]").Render();

        Assert.Equal("select * from \"db\".\"main\".\"orders\" -- orders main []", output);
    }

    [Fact]
    public void AddGlobal_Delegate_IsCallableWithConvertedArguments()
    {
        var environment = new TemplateEnvironment();
        environment.AddGlobal("twice", (Func<int, int>)(x => x * 2));
        environment.AddGlobal("greet", (Func<string, string, string>)((name, greeting) => $"{greeting}, {name}"));

        Assert.Equal("42 hi, Ann", environment.Parse("{{ twice(21) }} {{ greet('Ann', greeting='hi') }}").Render());
    }

    [Fact]
    public void Render_DictionaryOfFunctions_ActsLikeAnObjectWithMethods()
    {
        var environment = new TemplateEnvironment();
        environment.Globals["adapter"] = new Dictionary<string, object?>
        {
            ["quote"] = (TemplateFunction)(args => $"\"{args.Positional[0]}\""),
            ["type"] = "duckdb",
        };

        Assert.Equal("\"id\" duckdb", environment.Parse("{{ adapter.quote('id') }} {{ adapter.type }}").Render());
    }

    [Fact]
    public void Globals_AreVisibleAndShadowedByRenderContext()
    {
        var environment = new TemplateEnvironment();
        environment.Globals["target"] = new Dictionary<string, object?> { ["schema"] = "dev" };
        environment.Globals["x"] = 1;
        var template = environment.Parse("{{ target.schema }} {{ x }}");

        Assert.Equal("dev 1", template.Render());
        Assert.Equal("dev 2", template.Render(new Dictionary<string, object?> { ["x"] = 2 }));
    }

    [Fact]
    public void AddMacros_MacrosCallableFromEveryTemplateAndFromEachOther()
    {
        var environment = new TemplateEnvironment();
        var added = environment.AddMacros(environment.Parse(
            "{% macro quote(c) %}\"{{ c }}\"{% endmacro %}{% macro cols(xs) %}{% for x in xs %}{{ quote(x) }}{{ ', ' if not loop.last }}{% endfor %}{% endmacro %}",
            "macros/a.sql"));
        environment.AddMacros(environment.Parse("{% macro star() %}{{ cols(['id', 'name']) }}{% endmacro %}", "macros/b.sql"));

        Assert.Equal(["quote", "cols"], added);
        Assert.Equal("select \"id\", \"name\" from t", environment.Parse("select {{ star() }} from t").Render());
    }

    [Fact]
    public void AddMacros_MacroReadsTheCallingRendersContext()
    {
        var environment = new TemplateEnvironment();
        environment.AddMacros(environment.Parse("{% macro schema() %}{{ target.schema }}_{{ model_name }}{% endmacro %}", "macros/s.sql"));
        var template = environment.Parse("{{ schema() }}");

        Assert.Equal("dev_orders", template.Render(new Dictionary<string, object?> { ["target"] = new Dictionary<string, object?> { ["schema"] = "dev" }, ["model_name"] = "orders" }));
        Assert.Equal("prod_users", template.Render(new Dictionary<string, object?> { ["target"] = new Dictionary<string, object?> { ["schema"] = "prod" }, ["model_name"] = "users" }));
    }

    [Fact]
    public void Call_GlobalMacro_ReturnsTextOrReturnValue()
    {
        var environment = new TemplateEnvironment();
        environment.AddMacros(environment.Parse(
            "{% macro generate_schema_name(custom, node) %}{% if custom is none %}{{ target.schema }}{% else %}{{ target.schema }}_{{ custom|trim }}{% endif %}{% endmacro %}" +
            "{% macro limits() %}{{ return({'rows': 10}) }}{% endmacro %}",
            "macros/schema.sql"));
        var context = new Dictionary<string, object?> { ["target"] = new Dictionary<string, object?> { ["schema"] = "analytics" } };

        Assert.Equal("analytics_marts", environment.Call("generate_schema_name", [" marts ", null], context: context));
        Assert.Equal("analytics", environment.Call("generate_schema_name", [], new Dictionary<string, object?> { ["custom"] = null }, context));
        var limits = Assert.IsAssignableFrom<System.Collections.IDictionary>(environment.Call("limits"));
        Assert.Equal(10L, limits["rows"]);
    }

    [Fact]
    public void RegisterFilterAndTest_AreUsable()
    {
        var environment = new TemplateEnvironment();
        environment.RegisterFilter("quote_ident", args => $"\"{args.Positional[0]}\"");
        environment.RegisterTest("model_ref", args => args.Positional[0] is string s && s.StartsWith("ref:", StringComparison.Ordinal));

        var output = environment.Parse("{{ 'a'|quote_ident }} {{ 'ref:x' is model_ref }} {{ ['ref:a', 'b']|select('model_ref')|list }} {{ ['x']|map('quote_ident')|join }}").Render();

        Assert.Equal("\"a\" True ['ref:a'] \"x\"", output);
    }

    [Fact]
    public void Lookup_FromHostFunction_SeesTemplateVariables()
    {
        var environment = new TemplateEnvironment();
        environment.RegisterFunction("this_name", args => args.Lookup("model_name") ?? "unknown");

        Assert.Equal("orders unknown", environment.Parse("{{ this_name() }}").Render(new Dictionary<string, object?> { ["model_name"] = "orders" }) + " " + environment.Parse("{{ this_name() }}").Render());
    }

    [Fact]
    public void Render_HostCollections_WorkLikePythonLists()
    {
        var context = new Dictionary<string, object?>
        {
            ["ints"] = new List<int> { 3, 1, 2 },
            ["names"] = new[] { "b", "a" },
            ["map"] = new Dictionary<string, int> { ["k"] = 1 },
            ["ro"] = (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["x"] = "y" },
            ["dt"] = new DateOnly(2024, 1, 31),
            ["dec"] = 1.50m,
        };

        var output = new TemplateEnvironment().Parse("{{ ints|sort }} {{ ints|sum }} {{ names|join(',') }} {{ names[0] }} {{ map.k }} {{ map }} {{ ro.x }} {{ dt }} {{ dec }} {{ ints|length }}").Render(context);

        Assert.Equal("[1, 2, 3] 6 b,a b 1 {'k': 1} y 2024-01-31 1.50 3", output);
    }

    [Fact]
    public void Render_SameTemplateFromManyThreads_GivesSameOutput()
    {
        var environment = new TemplateEnvironment();
        environment.AddMacros(environment.Parse("{% macro q(x) %}'{{ x }}'{% endmacro %}", "macros/q.sql"));
        var template = environment.Parse("{% for i in range(n) %}{{ q(i) }}{% if not loop.last %},{% endif %}{% endfor %}");

        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = template.Render(new Dictionary<string, object?> { ["n"] = (long)(i % 4) + 1 }));

        for (var i = 0; i < results.Length; i++)
        {
            var n = (i % 4) + 1;
            Assert.Equal(string.Join(",", Enumerable.Range(0, n).Select(x => $"'{x}'")), results[i]);
        }
    }

    [Fact]
    public void Parse_DbtTestBlock_DefinesTestMacro()
    {
        var environment = new TemplateEnvironment();
        var template = environment.Parse("{% test not_null(model, column_name) %}select * from {{ model }} where {{ column_name }} is null{% endtest %}", "macros/tests.sql");
        environment.AddMacros(template);

        Assert.Equal(["test_not_null"], template.MacroNames);
        Assert.Equal("select * from orders where id is null", environment.Parse("{{ test_not_null('orders', 'id') }}").Render());
    }

    [Fact]
    public void Parse_DbtMaterializationBlock_DefinesMaterializationMacro()
    {
        var environment = new TemplateEnvironment();
        var template = environment.Parse("{% materialization view, adapter='duckdb' %}{{ return({'relations': ['v']}) }}{% endmaterialization %}{% materialization table, default %}t{% endmaterialization %}");

        Assert.Equal(["materialization_view_duckdb", "materialization_table_default"], template.MacroNames);
    }

    [Fact]
    public void Parse_DbtDocsBlock_DefinesDocsMacro()
    {
        var environment = new TemplateEnvironment();
        var template = environment.Parse("{% docs orders_status %}\nOne of *placed*, *shipped*.\n{% enddocs %}", "models/docs.md");
        environment.AddMacros(template);

        Assert.Equal(["docs_orders_status"], template.MacroNames);
        Assert.Equal(string.Empty, template.Render());
        Assert.Equal("\nOne of *placed*, *shipped*.\n", environment.Call("docs_orders_status"));
    }

    [Fact]
    public void Parse_ExtendsTag_ExplainsItIsNotSupported()
    {
        var ex = Assert.Throws<TemplateSyntaxException>(() => new TemplateEnvironment().Parse("{% extends 'base.sql' %}"));

        Assert.Contains("not supported", ex.Message, StringComparison.Ordinal);
    }
}
