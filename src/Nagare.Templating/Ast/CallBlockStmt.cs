namespace Nagare.Templating.Ast;

/// <summary><c>call</c> block: the body becomes <c>caller()</c> of the called macro.</summary>
internal sealed class CallBlockStmt : Stmt
{
    public CallBlockStmt(CallExpr call, MacroDefinition caller, int line, int column)
        : base(line, column)
    {
        Call = call;
        Caller = caller;
    }

    public CallExpr Call { get; }

    public MacroDefinition Caller { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitCallBlockStmt(this);
}
