namespace Nagare.Templating.Ast;

/// <summary><c>a if test else b</c>.</summary>
internal sealed class CondExpr : Expr
{
    public CondExpr(Expr test, Expr then, Expr? @else, int line, int column)
        : base(line, column)
    {
        Test = test;
        Then = then;
        Else = @else;
    }

    public Expr Test { get; }

    public Expr Then { get; }

    public Expr? Else { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitCondExpr(this);
}
