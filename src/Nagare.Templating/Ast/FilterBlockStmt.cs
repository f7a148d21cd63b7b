namespace Nagare.Templating.Ast;

/// <summary><c>filter</c> block: the rendered body goes through a filter chain.</summary>
internal sealed class FilterBlockStmt : Stmt
{
    public FilterBlockStmt(FilterExpr filter, Stmt[] body, int line, int column)
        : base(line, column)
    {
        Filter = filter;
        Body = body;
    }

    public FilterExpr Filter { get; }

    public Stmt[] Body { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitFilterBlockStmt(this);
}
