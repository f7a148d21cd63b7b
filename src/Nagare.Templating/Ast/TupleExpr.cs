namespace Nagare.Templating.Ast;

/// <summary>A tuple <c>(a, b)</c>, also used as an unpacking target.</summary>
internal sealed class TupleExpr : Expr
{
    public TupleExpr(Expr[] items, int line, int column)
        : base(line, column)
    {
        Items = items;
    }

    public Expr[] Items { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitTupleExpr(this);
}
