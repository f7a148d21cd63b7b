namespace Nagare.Templating.Ast;

/// <summary><c>break</c>.</summary>
internal sealed class BreakStmt : Stmt
{
    public BreakStmt(int line, int column)
        : base(line, column)
    {
    }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitBreakStmt(this);
}
