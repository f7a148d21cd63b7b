namespace Nagare.Templating.Tests;

/// <summary>dbt's <c>return()</c>: not part of Jinja, so expectations are written by hand.</summary>
public sealed class ReturnTests
{
    private static string Render(string source, TemplateOptions? options = null) =>
        new TemplateEnvironment(options).Parse(source, "macros/r.sql").Render();

    [Fact]
    public void Return_NumberFromMacro_IsAValueNotText()
    {
        Assert.Equal("43", Render("{% macro m() %}{{ return(42) }}{% endmacro %}{% set x = m() %}{{ x + 1 }}"));
    }

    [Fact]
    public void Return_List_KeepsItsType()
    {
        Assert.Equal("3 ['a', 'b', 'c']", Render("{% macro m() %}{% do return(['a', 'b', 'c']) %}{% endmacro %}{{ m()|length }} {{ m() }}"));
    }

    [Fact]
    public void Return_Dict_AllowsAttributeAccess()
    {
        Assert.Equal("incremental", Render("{% macro cfg() %}{{ return({'materialized': 'incremental'}) }}{% endmacro %}{{ cfg().materialized }}"));
    }

    [Fact]
    public void Return_DiscardsTextRenderedBeforeAndAfter()
    {
        Assert.Equal("[v]", Render("{% macro m() %}ignored {{ return('v') }} also ignored{% endmacro %}[{{ m() }}]"));
    }

    [Fact]
    public void Return_FromInnerMacro_ReturnsOnlyFromIt()
    {
        Assert.Equal("outer:5", Render("{% macro inner() %}{{ return(5) }}{% endmacro %}{% macro outer() %}outer:{{ inner() }}{% endmacro %}{{ outer() }}"));
    }

    [Fact]
    public void Return_InsideLoop_StopsTheMacro()
    {
        Assert.Equal("3", Render("{% macro first_big(xs) %}{% for x in xs %}{% if x > 2 %}{{ return(x) }}{% endif %}{% endfor %}{{ return(none) }}{% endmacro %}{{ first_big([1, 2, 3, 4]) }}"));
    }

    [Fact]
    public void Return_None_PrintsNone()
    {
        Assert.Equal("None True", Render("{% macro m() %}{{ return(none) }}{% endmacro %}{{ m() }} {{ m() is none }}"));
    }

    [Fact]
    public void Return_WithoutCall_MacroStillReturnsText()
    {
        Assert.Equal("text", Render("{% macro m() %}text{% endmacro %}{{ m() }}"));
    }

    [Fact]
    public void Return_FromSharedMacro_ReachesCallerInOtherTemplate()
    {
        var environment = new TemplateEnvironment();
        environment.AddMacros(environment.Parse("{% macro cols() %}{{ return(['id', 'name']) }}{% endmacro %}", "macros/cols.sql"));

        Assert.Equal("id, name", environment.Parse("{{ cols()|join(', ') }}").Render());
    }

    [Fact]
    public void Return_OutsideMacro_IsAnError()
    {
        var ex = Assert.Throws<TemplateRuntimeException>(() => Render("select 1\n{{ return(1) }}"));

        Assert.Contains("outside of a macro", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Return_Disabled_IsUndefined()
    {
        var ex = Assert.Throws<TemplateRuntimeException>(() => Render("{% macro m() %}{{ return(1) }}{% endmacro %}{{ m() }}", new TemplateOptions { EnableReturn = false }));

        Assert.Contains("'return' is undefined", ex.Message, StringComparison.Ordinal);
    }
}
