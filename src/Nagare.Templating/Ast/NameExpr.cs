namespace Nagare.Templating.Ast;

/// <summary>A variable read.</summary>
internal sealed class NameExpr : Expr
{
    public NameExpr(string name, int line, int column)
        : base(line, column)
    {
        Name = name;
    }

    public string Name { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitNameExpr(this);
}
