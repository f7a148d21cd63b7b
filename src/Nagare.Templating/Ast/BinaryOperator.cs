namespace Nagare.Templating.Ast;

internal enum BinaryOperator
{
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    And,
    Or,
}
