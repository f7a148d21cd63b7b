namespace Nagare.Templating.Ast;

/// <summary><c>set target</c> ... <c>endset</c>: captures rendered text.</summary>
internal sealed class SetBlockStmt : Stmt
{
    public SetBlockStmt(Expr target, FilterExpr? filter, Stmt[] body, int line, int column)
        : base(line, column)
    {
        Target = target;
        Filter = filter;
        Body = body;
    }

    public Expr Target { get; }

    public FilterExpr? Filter { get; }

    public Stmt[] Body { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitSetBlockStmt(this);
}
