namespace Nagare.Templating.Tests;

public sealed class LimitTests
{
    private static string Render(TemplateOptions options, string source) =>
        new TemplateEnvironment(options).Parse(source, "limits.sql").Render();

    [Fact]
    public void Render_NestedLoopsBeyondIterationLimit_Stops()
    {
        var options = new TemplateOptions { MaxLoopIterations = 10_000 };

        var ex = Assert.Throws<TemplateLimitException>(() =>
            Render(options, "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"));

        Assert.Contains("10000 loop iterations", ex.Message, StringComparison.Ordinal);
        Assert.Equal("limits.sql", ex.TemplateName);
    }

    [Fact]
    public void Render_LoopsWithinIterationLimit_Complete()
    {
        var options = new TemplateOptions { MaxLoopIterations = 100 };

        Assert.Equal("100", Render(options, "{% set ns = namespace(n=0) %}{% for i in range(100) %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}"));
    }

    [Fact]
    public void Render_OutputBeyondLimit_Stops()
    {
        var options = new TemplateOptions { MaxOutputLength = 1000 };

        var ex = Assert.Throws<TemplateLimitException>(() => Render(options, "{% for i in range(200) %}0123456789{% endfor %}"));

        Assert.Contains("1000 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HugeStringRepetition_Stops()
    {
        var options = new TemplateOptions { MaxOutputLength = 1_000_000 };

        Assert.Throws<TemplateLimitException>(() => Render(options, "{% set s = 'x' * 100000000 %}"));
    }

    [Fact]
    public void Render_HugeConcatenationInLoop_Stops()
    {
        var options = new TemplateOptions { MaxOutputLength = 10_000 };

        Assert.Throws<TemplateLimitException>(() =>
            Render(options, "{% set ns = namespace(s='x') %}{% for i in range(20) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"));
    }

    [Fact]
    public void Render_InfiniteMacroRecursion_Stops()
    {
        var options = new TemplateOptions { MaxRecursionDepth = 50 };

        var ex = Assert.Throws<TemplateLimitException>(() => Render(options, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));

        Assert.Contains("50 nested macro calls", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RecursionWithinLimit_Completes()
    {
        var options = new TemplateOptions { MaxRecursionDepth = 50 };

        Assert.Equal("10", Render(options, "{% macro f(n) %}{% if n < 10 %}{{ f(n + 1) }}{% else %}{{ n }}{% endif %}{% endmacro %}{{ f(0) }}"));
    }

    [Fact]
    public void Render_DefaultRecursionLimit_StopsBeforeTheStackOverflows()
    {
        Assert.Throws<TemplateLimitException>(() =>
            Render(new TemplateOptions(), "{% macro f(n) %}{% for i in [n] %}{{ f(i + 1)|upper }}{% endfor %}{% endmacro %}{{ f(0) }}"));
    }

    [Fact]
    public void Render_RecursiveLoopTooDeep_Stops()
    {
        var options = new TemplateOptions { MaxRecursionDepth = 5 };
        var source = "{% for x in [[[[[[[[1]]]]]]]] recursive %}{% if x is iterable %}{{ loop(x) }}{% else %}{{ x }}{% endif %}{% endfor %}";

        Assert.Throws<TemplateLimitException>(() => Render(options, source));
    }

    [Fact]
    public void Parse_DeeplyNestedExpression_FailsCleanly()
    {
        var source = "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}";

        var ex = Assert.Throws<TemplateSyntaxException>(() => Render(new TemplateOptions(), source));

        Assert.Contains("deeper than 200 levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedBlocks_FailsCleanly()
    {
        var source = string.Concat(Enumerable.Repeat("{% if true %}", 1000)) + string.Concat(Enumerable.Repeat("{% endif %}", 1000));

        Assert.Throws<TemplateSyntaxException>(() => Render(new TemplateOptions(), source));
    }

    [Fact]
    public void Parse_VeryLongOperatorChain_FailsCleanly()
    {
        var source = "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 20_000)) + " }}";

        Assert.Throws<TemplateSyntaxException>(() => Render(new TemplateOptions(), source));
    }

    [Fact]
    public void Parse_VeryLongFilterChain_FailsCleanly()
    {
        var source = "{{ 'x'" + string.Concat(Enumerable.Repeat("|upper", 20_000)) + " }}";

        Assert.Throws<TemplateSyntaxException>(() => Render(new TemplateOptions(), source));
    }

    [Fact]
    public void Render_OperatorChainWithinLimit_Evaluates()
    {
        var source = "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 150)) + " }}";

        Assert.Equal("151", Render(new TemplateOptions(), source));
    }

    [Fact]
    public void Render_SelfContainingLists_ComparisonStopsWithError()
    {
        var ex = Assert.Throws<TemplateRuntimeException>(() =>
            Render(new TemplateOptions(), "{% set a = [] %}{% set b = [] %}{% do a.append(a) %}{% do b.append(b) %}{{ a == b }}"));

        Assert.Contains("maximum recursion depth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SelfContainingList_PrintsAndSerializesSafely()
    {
        var output = Render(new TemplateOptions(), "{% set a = [1] %}{% do a.append(a) %}{{ (a|string)[:9] }}");

        Assert.Equal("[1, [1, [", output);
        Assert.Throws<TemplateRuntimeException>(() => Render(new TemplateOptions(), "{% set a = [1] %}{% do a.append(a) %}{{ a|tojson }}"));
    }

    [Fact]
    public void Render_ThousandsOfElifBranches_AreNotNesting()
    {
        var source = "{% set x = 4999 %}{% if x == 0 %}0" + string.Concat(Enumerable.Range(1, 4999).Select(i => $"{{% elif x == {i} %}}{i}")) + "{% endif %}";

        Assert.Equal("4999", Render(new TemplateOptions(), source));
    }

    [Fact]
    public void Render_RangeBeyondLimit_Stops()
    {
        var ex = Assert.Throws<TemplateLimitException>(() => Render(new TemplateOptions(), "{% for i in range(1000000) %}{% endfor %}"));

        Assert.Contains("Range too big", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HugePower_Stops()
    {
        Assert.Throws<TemplateLimitException>(() => Render(new TemplateOptions(), "{{ 7 ** 100000000 }}"));
    }

    [Fact]
    public void Constructor_NonPositiveLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemplateEnvironment(new TemplateOptions { MaxLoopIterations = 0 }));
    }
}
