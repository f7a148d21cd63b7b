namespace Nagare.Templating.Ast;

internal enum UnaryOperator
{
    Neg,
    Pos,
    Not,
}
