namespace Nagare.Templating.Ast;

/// <summary>A call <c>f(a, k=v)</c>.</summary>
internal sealed class CallExpr : Expr
{
    public CallExpr(Expr callee, CallArguments arguments, int line, int column)
        : base(line, column)
    {
        Callee = callee;
        Arguments = arguments;
    }

    public Expr Callee { get; }

    public CallArguments Arguments { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitCallExpr(this);
}
