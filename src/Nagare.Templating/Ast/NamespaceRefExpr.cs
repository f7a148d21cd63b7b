namespace Nagare.Templating.Ast;

/// <summary>Assignment target <c>ns.attr</c>.</summary>
internal sealed class NamespaceRefExpr : Expr
{
    public NamespaceRefExpr(string name, string attribute, int line, int column)
        : base(line, column)
    {
        Name = name;
        Attribute = attribute;
    }

    public string Name { get; }

    public string Attribute { get; }

    public override T Accept<T>(IExpressionVisitor<T> visitor) => visitor.VisitNamespaceRefExpr(this);
}
