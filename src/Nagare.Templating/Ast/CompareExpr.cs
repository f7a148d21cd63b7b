namespace Nagare.Templating.Ast;

/// <summary>A comparison chain <c>a &lt; b &lt;= c</c>.</summary>
internal sealed class CompareExpr : Expr
{
    public CompareExpr(Expr first, CompareOperator[] operators, Expr[] operands, int line, int column)
        : base(line, column)
    {
        First = first;
        Operators = operators;
        Operands = operands;
    }

    public Expr First { get; }

    public CompareOperator[] Operators { get; }

    public Expr[] Operands { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitCompareExpr(this);
}
