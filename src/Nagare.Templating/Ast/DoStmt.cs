namespace Nagare.Templating.Ast;

/// <summary><c>do expr</c>: evaluates and discards.</summary>
internal sealed class DoStmt : Stmt
{
    public DoStmt(Expr value, int line, int column)
        : base(line, column)
    {
        Value = value;
    }

    public Expr Value { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitDoStmt(this);
}
