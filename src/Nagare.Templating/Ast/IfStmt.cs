namespace Nagare.Templating.Ast;

/// <summary><c>if</c>; an <c>elif</c> is a nested if in the else branch.</summary>
internal sealed class IfStmt : Stmt
{
    public IfStmt(Expr test, Stmt[] body, Stmt[] @else, int line, int column)
        : base(line, column)
    {
        Test = test;
        Body = body;
        Else = @else;
    }

    public Expr Test { get; }

    public Stmt[] Body { get; }

    public Stmt[] Else { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitIfStmt(this);
}
