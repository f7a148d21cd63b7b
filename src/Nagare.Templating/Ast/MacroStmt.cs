namespace Nagare.Templating.Ast;

/// <summary><c>macro</c> definition.</summary>
internal sealed class MacroStmt : Stmt
{
    public MacroStmt(MacroDefinition definition, int line, int column)
        : base(line, column)
    {
        Definition = definition;
    }

    public MacroDefinition Definition { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitMacroStmt(this);
}
