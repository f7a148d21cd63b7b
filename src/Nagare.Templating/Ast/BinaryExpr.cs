namespace Nagare.Templating.Ast;

/// <summary>Arithmetic or a short-circuit <c>and</c>/<c>or</c>.</summary>
internal sealed class BinaryExpr : Expr
{
    public BinaryExpr(BinaryOperator @operator, Expr left, Expr right, int line, int column)
        : base(line, column)
    {
        Operator = @operator;
        Left = left;
        Right = right;
    }

    public BinaryOperator Operator { get; }

    public Expr Left { get; }

    public Expr Right { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitBinaryExpr(this);
}
