namespace Nagare.Templating.Ast;

/// <summary>Subscript <c>x[i]</c>.</summary>
internal sealed class GetitemExpr : Expr
{
    public GetitemExpr(Expr target, Expr index, int line, int column)
        : base(line, column)
    {
        Target = target;
        Index = index;
    }

    public Expr Target { get; }

    public Expr Index { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitGetitemExpr(this);
}
