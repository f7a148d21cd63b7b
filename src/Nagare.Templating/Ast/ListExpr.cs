namespace Nagare.Templating.Ast;

/// <summary>A list literal <c>[a, b]</c>.</summary>
internal sealed class ListExpr : Expr
{
    public ListExpr(Expr[] items, int line, int column)
        : base(line, column)
    {
        Items = items;
    }

    public Expr[] Items { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitListExpr(this);
}
