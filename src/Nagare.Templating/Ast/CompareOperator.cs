namespace Nagare.Templating.Ast;

internal enum CompareOperator
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}
