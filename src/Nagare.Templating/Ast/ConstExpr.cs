namespace Nagare.Templating.Ast;

/// <summary>A literal: string, number, boolean or none.</summary>
internal sealed class ConstExpr : Expr
{
    public ConstExpr(object? value, int line, int column)
        : base(line, column)
    {
        Value = value;
    }

    public object? Value { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitConstExpr(this);
}
