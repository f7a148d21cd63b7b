namespace Nagare.Templating.Ast;

/// <summary>A slice <c>a:b:c</c> inside a subscript.</summary>
internal sealed class SliceExpr : Expr
{
    public SliceExpr(Expr? start, Expr? stop, Expr? step, int line, int column)
        : base(line, column)
    {
        Start = start;
        Stop = stop;
        Step = step;
    }

    public Expr? Start { get; }

    public Expr? Stop { get; }

    public Expr? Step { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitSliceExpr(this);
}
