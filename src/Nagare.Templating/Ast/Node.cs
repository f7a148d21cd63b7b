namespace Nagare.Templating.Ast;

/// <summary>A node of the syntax tree, with the 1-based position where it starts.</summary>
internal abstract class Node
{
    protected Node(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}
