namespace Nagare.Templating.Ast;

/// <summary>Template data copied to the output.</summary>
internal sealed class TextStmt : Stmt
{
    public TextStmt(string text, int line, int column)
        : base(line, column)
    {
        Text = text;
    }

    public string Text { get; }

    public override Flow Accept(IStatementVisitor visitor) => visitor.VisitTextStmt(this);
}
