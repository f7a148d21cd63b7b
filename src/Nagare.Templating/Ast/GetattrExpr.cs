namespace Nagare.Templating.Ast;

/// <summary>Attribute access <c>x.name</c>.</summary>
internal sealed class GetattrExpr : Expr
{
    public GetattrExpr(Expr target, string name, int line, int column)
        : base(line, column)
    {
        Target = target;
        Name = name;
    }

    public Expr Target { get; }

    public string Name { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitGetattrExpr(this);
}
