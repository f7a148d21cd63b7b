namespace Nagare.Templating.Ast;

/// <summary><c>with</c> block with its own scope.</summary>
internal sealed class WithStmt : Stmt
{
    public WithStmt(Expr[] targets, Expr[] values, Stmt[] body, int line, int column)
        : base(line, column)
    {
        Targets = targets;
        Values = values;
        Body = body;
    }

    public Expr[] Targets { get; }

    public Expr[] Values { get; }

    public Stmt[] Body { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitWithStmt(this);
}
