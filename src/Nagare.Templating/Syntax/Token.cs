namespace Nagare.Templating.Syntax;

/// <summary>One lexical token. <see cref="Value"/> holds the text of names, strings and data, or the parsed number.</summary>
internal readonly record struct Token(TokenKind Kind, object? Value, int Line, int Column)
{
    public string Text => Value as string ?? string.Empty;

    public bool IsName(string name) => Kind == TokenKind.Name && (string?)Value == name;

    public string Describe() => Kind switch
    {
        TokenKind.Name => Text,
        TokenKind.String => "string",
        TokenKind.Integer => "integer",
        TokenKind.Float => "float",
        TokenKind.Data => "template data",
        TokenKind.VariableBegin => "begin of print statement",
        TokenKind.VariableEnd => "end of print statement",
        TokenKind.BlockBegin => "begin of statement block",
        TokenKind.BlockEnd => "end of statement block",
        TokenKind.Eof => "end of template",
        _ => Lexer.OperatorText(Kind),
    };
}
