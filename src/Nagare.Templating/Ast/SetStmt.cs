namespace Nagare.Templating.Ast;

/// <summary><c>set target = value</c>.</summary>
internal sealed class SetStmt : Stmt
{
    public SetStmt(Expr target, Expr value, int line, int column)
        : base(line, column)
    {
        Target = target;
        Value = value;
    }

    public Expr Target { get; }

    public Expr Value { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitSetStmt(this);
}
