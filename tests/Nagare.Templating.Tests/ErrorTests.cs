
namespace Nagare.Templating.Tests;

public sealed class ErrorTests
{
    private static readonly TemplateEnvironment Environment = new();

    private static TException Fail<TException>(string source, string name = "models/orders.sql", IReadOnlyDictionary<string, object?>? context = null)
        where TException : TemplateException =>
        Assert.Throws<TException>(() => Environment.Parse(source, name).Render(context));

    [Fact]
    public void Parse_UnclosedBlock_ReportsTemplateLineAndColumn()
    {
        var ex = Fail<TemplateSyntaxException>("select 1\n{% if x %}\nyes\n");

        Assert.Equal("models/orders.sql", ex.TemplateName);
        Assert.Equal(3, ex.Line);
        Assert.Contains("'endif'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("models/orders.sql", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTag_NamesTheTagAndPosition()
    {
        var ex = Fail<TemplateSyntaxException>("a\n  {% frobnicate %}");

        Assert.Equal(2, ex.Line);
        Assert.Equal(6, ex.Column);
        Assert.Contains("Encountered unknown tag 'frobnicate'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnexpectedCharacter_PointsAtIt()
    {
        var ex = Fail<TemplateSyntaxException>("{{ 1 @ 2 }}");

        Assert.Equal(1, ex.Line);
        Assert.Equal(6, ex.Column);
        Assert.Contains("unexpected char '@'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnterminatedString_Fails()
    {
        var ex = Fail<TemplateSyntaxException>("x\n{{ 'abc }}");

        Assert.Equal(2, ex.Line);
        Assert.Equal(4, ex.Column);
    }

    [Fact]
    public void Parse_BreakOutsideLoop_Fails()
    {
        var ex = Fail<TemplateSyntaxException>("{% break %}");

        Assert.Contains("only allowed inside a loop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingVariableEnd_Fails()
    {
        var ex = Fail<TemplateSyntaxException>("{{ x ");

        Assert.Equal(1, ex.Line);
        Assert.Equal(1, ex.Column);
    }

    [Fact]
    public void Render_TypeErrorInExpression_ReportsOperatorPosition()
    {
        var ex = Fail<TemplateRuntimeException>("select\n  a,\n  {{ 1 + 'x' }}");

        Assert.Equal("models/orders.sql", ex.TemplateName);
        Assert.Equal(3, ex.Line);
        Assert.Equal(8, ex.Column);
        Assert.Contains("unsupported operand type(s) for +: 'int' and 'str'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3, column 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_CallingUndefined_SaysWhichName()
    {
        var ex = Fail<TemplateRuntimeException>("{{ nope('x') }}");

        Assert.Contains("'nope' is undefined", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ nope.column }}", "'nope' is undefined", false)]
    [InlineData("{{ nope['x'] }}", "'nope' is undefined", false)]
    [InlineData("{{ nope.a.b }}", "'nope' is undefined", false)]
    [InlineData("{{ nope[1:2] }}", "'nope' is undefined", false)]
    [InlineData("{{ nope.x | default('y') }}", "'nope' is undefined", false)]
    [InlineData("{% if nope.x is defined %}y{% endif %}", "'nope' is undefined", false)]
    [InlineData("{{ nope | attr('x') }}", "'nope' is undefined", false)]
    [InlineData("{{ '{0.x}'.format(nope) }}", "'nope' is undefined", false)]
    [InlineData("{{ user.missing.deeper }}", "'dict object' has no attribute 'missing'", false)]
    [InlineData("{{ user.tags[10].x }}", "list object has no element 10", false)]
    [InlineData("{{ none.x.y }}", "'None' has no attribute 'x'", false)]
    [InlineData("{{ [1] | map(attribute='x.y') | list }}", "'int object' has no attribute 'x'", false)]
    [InlineData("{{ nope.column }}", "'nope' is undefined", true)]
    [InlineData("{{ user.missing['k'] }}", "'dict object' has no attribute 'missing'", true)]
    public void Render_AttributeOrItemOfUndefined_RaisesNamingTheUndefined(string source, string message, bool strict)
    {
        var environment = new TemplateEnvironment(new TemplateOptions { StrictUndefined = strict });
        var context = new Dictionary<string, object?> { ["user"] = new Dictionary<string, object?> { ["tags"] = new List<object?> { "a" } } };

        var ex = Assert.Throws<TemplateRuntimeException>(() => environment.Parse(source, "models/orders.sql").Render(context));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("models/orders.sql", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UndefinedAlone_StillPrintsEmptyAndTestsAsUndefined()
    {
        var output = Environment.Parse("[{{ nope }}|{{ nope is defined }}|{{ nope | default('x') }}|{{ {}.missing is defined }}]").Render();

        Assert.Equal("[|False|x|False]", output);
    }

    [Fact]
    public void Render_DivisionByZero_IsRuntimeError()
    {
        var ex = Fail<TemplateRuntimeException>("{{ 1 // 0 }}");

        Assert.Contains("division or modulo by zero", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnknownFilter_NamesIt()
    {
        var ex = Fail<TemplateRuntimeException>("\n{{ x | nosuchfilter }}");

        Assert.Equal(2, ex.Line);
        Assert.Contains("No filter named 'nosuchfilter'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnknownTest_NamesIt()
    {
        var ex = Fail<TemplateRuntimeException>("{{ x is nosuchtest }}");

        Assert.Contains("No test named 'nosuchtest'.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TooManyMacroArguments_Fails()
    {
        var ex = Fail<TemplateRuntimeException>("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}");

        Assert.Contains("macro 'm' takes not more than 1 argument(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnexpectedKeyword_Fails()
    {
        var ex = Fail<TemplateRuntimeException>("{% macro m(a) %}{% endmacro %}{{ m(b=2) }}");

        Assert.Contains("takes no keyword argument 'b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnpackMismatch_Fails()
    {
        var ex = Fail<TemplateRuntimeException>("{% set a, b = [1, 2, 3] %}");

        Assert.Contains("too many values to unpack (expected 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ErrorInsideSharedMacro_NamesTheMacroFile()
    {
        var environment = new TemplateEnvironment();
        environment.AddMacros(environment.Parse("{% macro boom() %}\n\n  {{ 1 / 0 }}\n{% endmacro %}", "macros/boom.sql"));

        var ex = Assert.Throws<TemplateRuntimeException>(() => environment.Parse("{{ boom() }}", "models/a.sql").Render());

        Assert.Equal("macros/boom.sql", ex.TemplateName);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Render_HostFunctionThrows_WrapsWithLocationAndKeepsInnerException()
    {
        var environment = new TemplateEnvironment();
        environment.RegisterFunction("ref", _ => throw new InvalidOperationException("model 'x' not found"));

        var ex = Assert.Throws<TemplateRuntimeException>(() => environment.Parse("\n  {{ ref('x') }}", "models/b.sql").Render());

        Assert.Equal(2, ex.Line);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Contains("model 'x' not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'ref'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostMethodThrows_NamesTheMethod()
    {
        var environment = new TemplateEnvironment();
        environment.Globals["exceptions"] = new Dictionary<string, object?>
        {
            ["raise_compiler_error"] = (TemplateFunction)(a => throw new InvalidOperationException($"{a.TemplateName}: {a.Positional[0]}")),
        };

        var ex = Assert.Throws<TemplateRuntimeException>(() => environment.Parse("{{ exceptions.raise_compiler_error('bad config') }}", "models/c.sql").Render());

        Assert.Equal("Call to 'raise_compiler_error' failed: models/c.sql: bad config (in models/c.sql, line 1, column 35)", ex.Message);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public void Exceptions_Hierarchy_RootedInTemplateException()
    {
        Assert.True(typeof(TemplateException).IsAssignableFrom(typeof(TemplateSyntaxException)));
        Assert.True(typeof(TemplateException).IsAssignableFrom(typeof(TemplateRuntimeException)));
        Assert.True(typeof(TemplateRuntimeException).IsAssignableFrom(typeof(TemplateLimitException)));
        // The engine stands alone: its errors derive from nothing of Nagare's.
        Assert.Equal(typeof(Exception), typeof(TemplateException).BaseType);
    }

    [Fact]
    public void Render_StrictUndefined_FailsOnPrint()
    {
        var environment = new TemplateEnvironment(new TemplateOptions { StrictUndefined = true });

        var ex = Assert.Throws<TemplateRuntimeException>(() => environment.Parse("a {{ missing }}").Render());

        Assert.Contains("'missing' is undefined", ex.Message, StringComparison.Ordinal);
    }
}
