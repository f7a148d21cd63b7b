namespace Nagare.Templating.Ast;

/// <summary><c>block</c>: rendered in place, as there is no template inheritance.</summary>
internal sealed class BlockStmt : Stmt
{
    public BlockStmt(string name, Stmt[] body, int line, int column)
        : base(line, column)
    {
        Name = name;
        Body = body;
    }

    public string Name { get; }

    public Stmt[] Body { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitBlockStmt(this);
}
