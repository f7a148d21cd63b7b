namespace Nagare.Templating.Ast;

/// <summary><c>continue</c>.</summary>
internal sealed class ContinueStmt : Stmt
{
    public ContinueStmt(int line, int column)
        : base(line, column)
    {
    }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitContinueStmt(this);
}
