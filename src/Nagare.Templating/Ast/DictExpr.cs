namespace Nagare.Templating.Ast;

/// <summary>A dict literal <c>{'k': v}</c>.</summary>
internal sealed class DictExpr : Expr
{
    public DictExpr(Expr[] keys, Expr[] values, int line, int column)
        : base(line, column)
    {
        Keys = keys;
        Values = values;
    }

    public Expr[] Keys { get; }

    public Expr[] Values { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitDictExpr(this);
}
