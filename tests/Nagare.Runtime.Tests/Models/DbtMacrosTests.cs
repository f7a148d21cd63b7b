using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

/// <summary>Each macro of the <c>dbt</c> namespace renders SQL that DuckDB runs to the expected value.</summary>
public sealed class DbtMacrosTests : IDisposable
{
    private readonly TempProject _project = new();

    public DbtMacrosTests() => DbtProject.Write(_project, "macros_check");

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("dbt.date_trunc('month', \"timestamp '2024-03-17 10:20:30'\")", "2024-03-01 00:00:00")]
    [InlineData("dbt.dateadd('day', 3, \"date '2024-02-27'\")", "2024-03-01 00:00:00")]
    [InlineData("dbt.dateadd('month', -1, \"date '2024-03-31'\")", "2024-02-29 00:00:00")]
    [InlineData("dbt.dateadd('quarter', 1, \"date '2024-01-15'\")", "2024-04-15 00:00:00")]
    [InlineData("dbt.dateadd('week', 2, \"date '2024-01-01'\")", "2024-01-15 00:00:00")]
    [InlineData("dbt.dateadd('day', 'n', \"date '2024-01-01'\") from (select 4 as n) t", "2024-01-05 00:00:00")]
    [InlineData("dbt.datediff(\"date '2024-01-01'\", \"date '2024-03-01'\", 'day')", "60")]
    [InlineData("dbt.datediff(\"date '2024-01-01'\", \"date '2025-01-01'\", 'month')", "12")]
    [InlineData("dbt.datediff(\"date '2024-01-06'\", \"date '2024-01-07'\", 'week')", "1")]
    [InlineData("dbt.datediff(\"date '2024-01-07'\", \"date '2024-01-13'\", 'week')", "0")]
    [InlineData("dbt.datediff(\"date '2024-01-13'\", \"date '2024-01-07'\", 'week')", "0")]
    [InlineData("dbt.datediff(\"date '2024-01-14'\", \"date '2024-01-06'\", 'week')", "-2")]
    [InlineData("dbt.last_day(\"date '2024-02-10'\", 'month')", "2024-02-29")]
    [InlineData("dbt.last_day(\"date '2024-02-10'\", 'quarter')", "2024-03-31")]
    [InlineData("dbt.date(2024, 2, 29)", "2024-02-29")]
    [InlineData("dbt.safe_cast(\"'42'\", dbt.type_int())", "42")]
    [InlineData("dbt.cast(\"'7'\", dbt.type_bigint())", "7")]
    [InlineData("dbt.cast(\"'1.5'\", dbt.type_numeric())", "1.500000")]
    [InlineData("dbt.cast(\"'2.5'\", dbt.type_float())", "2.5")]
    [InlineData("dbt.cast(\"'true'\", dbt.type_boolean())", "true")]
    [InlineData("dbt.cast(\"'2024-01-02 03:04:05'\", dbt.type_timestamp())", "2024-01-02 03:04:05")]
    [InlineData("dbt.cast(12, dbt.type_string())", "12")]
    [InlineData("dbt.concat([\"'a'\", \"'b'\", \"'c'\"])", "abc")]
    [InlineData("dbt.hash(\"'abc'\")", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("dbt.split_part(\"'a,b,c'\", \"','\", 2)", "b")]
    [InlineData("dbt.split_part(\"'a,b,c'\", \"','\", -1)", "c")]
    [InlineData("dbt.replace(\"'banana'\", \"'an'\", \"'AN'\")", "bANANa")]
    [InlineData("dbt.position(\"'c'\", \"'abcd'\")", "3")]
    [InlineData("dbt.length(\"'abcd'\")", "4")]
    [InlineData("dbt.right(\"'abcdef'\", 2)", "ef")]
    [InlineData("dbt.cast_bool_to_text('true')", "true")]
    [InlineData("dbt.string_literal(\"it\") ~ ' || ' ~ dbt.string_literal(dbt.escape_single_quotes(\"'s\"))", "it's")]
    [InlineData("dbt.bool_or('x > 2') from (values (1), (3)) t(x)", "true")]
    [InlineData("dbt.any_value('x') from (values (5), (5)) t(x)", "5")]
    [InlineData("dbt.listagg('x', \"'-'\", 'order by x desc') from (values ('a'), ('c'), ('b')) t(x)", "c-b-a")]
    [InlineData("dbt.listagg('x', \"'-'\", 'order by x', 2) from (values ('a'), ('c'), ('b')) t(x)", "a-b")]
    [InlineData("dbt.array_construct(['1', '2'])", "[1, 2]")]
    [InlineData("dbt.array_construct([], 'integer')", "[]")]
    [InlineData("dbt.array_append(dbt.array_construct(['1']), '2')", "[1, 2]")]
    [InlineData("dbt.array_concat(dbt.array_construct(['1']), dbt.array_construct(['3']))", "[1, 3]")]
    [InlineData("dbt.get_powers_of_two(5)", "3")]
    [InlineData("dbt.equals('1', '1')", "true")]
    public void Macro_RenderedForDuckDb_GivesTheExpectedValue(string expression, string expected)
    {
        // "jinja from sql" puts the macro's SQL in a select over that FROM clause.
        var body = expression.Contains(" from ", StringComparison.Ordinal)
                ? "select cast({{ " + expression[..expression.IndexOf(" from ", StringComparison.Ordinal)] + " }} as varchar) as v from " + expression[(expression.IndexOf(" from ", StringComparison.Ordinal) + 6)..]
                : "select cast({{ " + expression + " }} as varchar) as v";
        _project.Write("models/probe.sql", "{{ config(materialized='table') }}\n" + body);

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal(expected, _project.Scalar("select v from main.probe"));
    }

    [Fact]
    public void Except_And_Intersect_RenderTheSetOperators()
    {
        _project.Write("models/probe.sql", """
            {{ config(materialized='table') }}
            select (select count(*) from (select unnest([1, 2, 3]) {{ dbt.except() }} select 2)) * 10
                 + (select count(*) from (select unnest([1, 2, 3]) {{ dbt.intersect() }} select 2)) as v
            """);

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal(21L, _project.Scalar("select v::bigint from main.probe"));
    }

    [Fact]
    public void DateSpine_RunsItsIntervalQueryAtBuild_AndListsEveryDay()
    {
        _project.Write("models/days.sql", """
            {{ config(materialized='table') }}
            {{ dbt.date_spine('day', "date '2024-02-01'", "date '2024-03-01'") }}
            """);

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal("29|2024-02-01|2024-02-29", _project.Scalar("select count(*) || '|' || min(date_day)::date || '|' || max(date_day)::date from main.days"));
    }

    [Fact]
    public void GenerateSeries_GivesOneToN()
    {
        _project.Write("models/numbers.sql", "{{ config(materialized='table') }}\n{{ dbt.generate_series(5) }}");

        _project.Build();

        Assert.Equal("1,2,3,4,5", _project.Scalar("select string_agg(generated_number::varchar, ',' order by generated_number) from main.numbers"));
    }

    [Fact]
    public void UnprefixedCall_ReachesTheBuiltIn_AndAProjectMacroOfTheSameNameWins()
    {
        _project
            .Write("models/probe.sql", "{{ config(materialized='table') }}\nselect {{ length(\"'abc'\") }} as v, {{ dateadd('day', 1, \"date '2024-01-01'\") }}::date::varchar as d")
            .Write("macros/length.sql", "{% macro length(expression) %}(length({{ expression }}) * 100){% endmacro %}");

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal("300|2024-01-02", _project.Scalar("select v || '|' || d from main.probe"));
    }

    [Fact]
    public void ProjectDefaultImplementation_OverridesTheBuiltInThroughDispatch()
    {
        _project
            .Write("macros/dateadd.sql", "{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}date '1999-12-31'{% endmacro %}")
            .Write("models/probe.sql", "{{ config(materialized='table') }}\nselect {{ dbt.dateadd('day', 1, \"date '2024-01-01'\") }}::varchar as v, {{ dbt.date_trunc('year', \"date '2024-05-05'\") }}::date::varchar as t");

        _project.Build();

        Assert.Equal("1999-12-31|2024-01-01", _project.Scalar("select v || '|' || t from main.probe"));
    }

    [Fact]
    public void CurrentTimestamp_IsTheWarehouseClock()
    {
        _project.Write("models/probe.sql", "{{ config(materialized='table') }}\nselect cast({{ dbt.current_timestamp() }} as date) = current_date as v");

        _project.Build();

        Assert.Equal(true, _project.Scalar("select v from main.probe"));
    }

    [Fact]
    public void Compile_SeveralCompiles_ShareTheBuiltInsParsedOnce()
    {
        for (var i = 0; i < 20; i++)
        {
            _project.Write($"models/m{i}.sql", $"select {{{{ dbt.dateadd('day', {i}, \"date '2024-01-01'\") }}}} as d");
        }

        var first = DbtBuiltins.Templates;
        var manifest = _project.Compile(cache: false);
        _project.Compile(cache: false);

        Assert.Same(first, DbtBuiltins.Templates);
        Assert.Contains("(date '2024-01-01' + cast(19 as bigint) * interval 1 day)", manifest.Nodes["model.macros_check.m19"].CompiledSql, StringComparison.Ordinal);
    }
}
