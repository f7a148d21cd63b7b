namespace Nagare.Templating.Ast;

/// <summary><c>if</c> with its <c>elif</c> branches kept flat (test i guards body i), and the <c>else</c> body.</summary>
internal sealed class IfStmt : Stmt
{
    public IfStmt(Expr[] tests, Stmt[][] bodies, Stmt[] @else, int line, int column)
        : base(line, column)
    {
        Tests = tests;
        Bodies = bodies;
        Else = @else;
    }

    public Expr[] Tests { get; }

    public Stmt[][] Bodies { get; }

    public Stmt[] Else { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitIfStmt(this);
}
