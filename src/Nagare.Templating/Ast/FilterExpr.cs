namespace Nagare.Templating.Ast;

/// <summary>A filter application <c>x|name(args)</c>; the target is absent in filter blocks.</summary>
internal sealed class FilterExpr : Expr
{
    public FilterExpr(Expr? target, string name, CallArguments arguments, int line, int column)
        : base(line, column)
    {
        Target = target;
        Name = name;
        Arguments = arguments;
    }

    public Expr? Target { get; }

    public string Name { get; }

    public CallArguments Arguments { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitFilterExpr(this);
}
