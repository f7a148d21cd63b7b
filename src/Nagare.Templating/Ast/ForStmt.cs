namespace Nagare.Templating.Ast;

/// <summary><c>for target in iterable [if filter] [recursive]</c>.</summary>
internal sealed class ForStmt : Stmt
{
    public ForStmt(Expr target, Expr iterable, Stmt[] body, Stmt[] @else, Expr? filter, bool recursive, int line, int column)
        : base(line, column)
    {
        Target = target;
        Iterable = iterable;
        Body = body;
        Else = @else;
        Filter = filter;
        Recursive = recursive;
    }

    public Expr Target { get; }

    public Expr Iterable { get; }

    public Stmt[] Body { get; }

    public Stmt[] Else { get; }

    public Expr? Filter { get; }

    public bool Recursive { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitForStmt(this);
}
