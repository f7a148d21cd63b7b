namespace Nagare.Templating.Ast;

/// <summary>An expression: evaluates to a value.</summary>
internal abstract class Expr : Node
{
    protected Expr(int line, int column)
        : base(line, column)
    {
    }

    public abstract T Accept<T>(IExpressionVisitor<T> visitor);
}
