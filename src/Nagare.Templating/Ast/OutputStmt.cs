namespace Nagare.Templating.Ast;

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed class OutputStmt : Stmt
{
    public OutputStmt(Expr value, int line, int column)
        : base(line, column)
    {
        Value = value;
    }

    public Expr Value { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitOutputStmt(this);
}
