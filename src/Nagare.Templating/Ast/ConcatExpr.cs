namespace Nagare.Templating.Ast;

/// <summary>String concatenation with <c>~</c>.</summary>
internal sealed class ConcatExpr : Expr
{
    public ConcatExpr(Expr[] items, int line, int column)
        : base(line, column)
    {
        Items = items;
    }

    public Expr[] Items { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitConcatExpr(this);
}
