namespace Nagare.Templating.Ast;

/// <summary>How control leaves a statement: normally, or by <c>break</c>/<c>continue</c>.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
