namespace Nagare.Templating.Ast;

/// <summary><c>-x</c>, <c>+x</c> or <c>not x</c>.</summary>
internal sealed class UnaryExpr : Expr
{
    public UnaryExpr(UnaryOperator @operator, Expr operand, int line, int column)
        : base(line, column)
    {
        Operator = @operator;
        Operand = operand;
    }

    public UnaryOperator Operator { get; }

    public Expr Operand { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitUnaryExpr(this);
}
