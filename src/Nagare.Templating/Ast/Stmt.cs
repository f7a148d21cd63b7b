namespace Nagare.Templating.Ast;

/// <summary>A statement: writes output or changes variables, and tells the enclosing loop how to continue.</summary>
internal abstract class Stmt : Node
{
    protected Stmt(int line, int column)
        : base(line, column)
    {
    }

    public abstract Flow Accept(IStatementVisitor visitor);
}
