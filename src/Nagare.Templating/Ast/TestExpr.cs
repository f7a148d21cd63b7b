namespace Nagare.Templating.Ast;

/// <summary>A test <c>x is name(args)</c>.</summary>
internal sealed class TestExpr : Expr
{
    public TestExpr(Expr target, string name, CallArguments arguments, int line, int column)
        : base(line, column)
    {
        Target = target;
        Name = name;
        Arguments = arguments;
    }

    public Expr Target { get; }

    public string Name { get; }

    public CallArguments Arguments { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitTestExpr(this);
}
