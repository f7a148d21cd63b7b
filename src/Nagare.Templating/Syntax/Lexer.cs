using System.Globalization;
using System.Numerics;
using System.Text;
using Nagare.Templating.Values;

namespace Nagare.Templating.Syntax;

/// <summary>
/// One-pass tokenizer for Jinja syntax. Template data, whitespace control (<c>-</c>, <c>+</c>),
/// comments and <c>raw</c> blocks are resolved here, so the parser only sees data and tag tokens.
/// </summary>
internal sealed class Lexer
{
    private readonly string _source;
    private readonly string _name;
    private readonly TemplateOptions _options;
    private readonly List<Token> _tokens;
    private readonly List<int> _lineStarts = [0];
    private int _pos;

    private Lexer(string source, string name, TemplateOptions options)
    {
        _source = Normalize(source, options.KeepTrailingNewline);

        // About a token per 16 characters in SQL templates: sized once rather than grown through every power of two.
        _tokens = new List<Token>(Math.Min(_source.Length / 16, 1 << 16) + 4);
        _name = name;
        _options = options;
        for (var i = 0; i < _source.Length; i++)
        {
            if (_source[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public static List<Token> Tokenize(string source, string name, TemplateOptions options)
    {
        var lexer = new Lexer(source, name, options);
        lexer.Run();
        return lexer._tokens;
    }

    public static string OperatorText(TokenKind kind) => kind switch
    {
        TokenKind.Add => "+",
        TokenKind.Sub => "-",
        TokenKind.Mul => "*",
        TokenKind.Div => "/",
        TokenKind.FloorDiv => "//",
        TokenKind.Mod => "%",
        TokenKind.Pow => "**",
        TokenKind.Tilde => "~",
        TokenKind.LBracket => "[",
        TokenKind.RBracket => "]",
        TokenKind.LParen => "(",
        TokenKind.RParen => ")",
        TokenKind.LBrace => "{",
        TokenKind.RBrace => "}",
        TokenKind.Eq => "==",
        TokenKind.Ne => "!=",
        TokenKind.Gt => ">",
        TokenKind.Gteq => ">=",
        TokenKind.Lt => "<",
        TokenKind.Lteq => "<=",
        TokenKind.Assign => "=",
        TokenKind.Dot => ".",
        TokenKind.Colon => ":",
        TokenKind.Pipe => "|",
        TokenKind.Comma => ",",
        TokenKind.Semicolon => ";",
        _ => kind.ToString(),
    };

    // Jinja converts every newline in the source to "\n" and drops one final newline unless asked to keep it.
    private static string Normalize(string source, bool keepTrailingNewline)
    {
        if (source.Contains('\r', StringComparison.Ordinal))
        {
            source = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        if (!keepTrailingNewline && source.EndsWith('\n'))
        {
            source = source[..^1];
        }

        return source;
    }

    private (int Line, int Column) Locate(int pos)
    {
        var index = _lineStarts.BinarySearch(pos);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return (index + 1, pos - _lineStarts[index] + 1);
    }

    private TemplateSyntaxException Error(string message, int pos)
    {
        var (line, column) = Locate(pos);
        return new TemplateSyntaxException(message, _name, line, column);
    }

    private void Add(TokenKind kind, object? value, int pos)
    {
        var (line, column) = Locate(pos);
        _tokens.Add(new Token(kind, value, line, column));
    }

    private void Run()
    {
        var src = _source;
        var stripNext = false;
        var trimNewline = false;
        while (_pos <= src.Length)
        {
            var start = FindTagStart(_pos);
            var dataEnd = start < 0 ? src.Length : start;
            var dataStart = _pos;
            if (stripNext)
            {
                while (dataStart < dataEnd && char.IsWhiteSpace(src[dataStart]))
                {
                    dataStart++;
                }
            }
            else if (trimNewline && dataStart < dataEnd && src[dataStart] == '\n')
            {
                dataStart++;
            }

            var kind = start < 0 ? '\0' : src[start + 1];
            var modifier = start >= 0 && start + 2 < src.Length ? src[start + 2] : '\0';
            if (start >= 0)
            {
                if (modifier == '-')
                {
                    while (dataEnd > dataStart && char.IsWhiteSpace(src[dataEnd - 1]))
                    {
                        dataEnd--;
                    }
                }
                else if (_options.LstripBlocks && modifier != '+' && kind != '{')
                {
                    var p = dataEnd;
                    while (p > dataStart && (src[p - 1] == ' ' || src[p - 1] == '\t'))
                    {
                        p--;
                    }

                    if (p == 0 || src[p - 1] == '\n')
                    {
                        dataEnd = p;
                    }
                }
            }

            if (dataEnd > dataStart)
            {
                Add(TokenKind.Data, src[dataStart..dataEnd], dataStart);
            }

            if (start < 0)
            {
                break;
            }

            _pos = start + 2 + (modifier is '-' or '+' ? 1 : 0);
            switch (kind)
            {
                case '#':
                    (stripNext, trimNewline) = SkipComment(start);
                    break;
                case '%' when TryRaw(start, out stripNext):
                    trimNewline = false;
                    break;
                case '%':
                    Add(TokenKind.BlockBegin, null, start);
                    (stripNext, trimNewline) = LexTag(block: true, start);
                    break;
                default:
                    Add(TokenKind.VariableBegin, null, start);
                    (stripNext, trimNewline) = LexTag(block: false, start);
                    break;
            }
        }

        Add(TokenKind.Eof, null, src.Length);
    }

    private int FindTagStart(int from)
    {
        var src = _source;
        while (true)
        {
            var i = src.IndexOf('{', from);
            if (i < 0 || i + 1 >= src.Length)
            {
                return -1;
            }

            var c = src[i + 1];
            if (c is '{' or '%' or '#')
            {
                return i;
            }

            from = i + 1;
        }
    }

    private (bool Strip, bool TrimNewline) SkipComment(int start)
    {
        var end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("Missing end of comment tag.", start);
        }

        var strip = end > _pos && _source[end - 1] == '-';
        var plus = end > _pos && _source[end - 1] == '+';
        _pos = end + 2;
        return (strip, _options.TrimBlocks && !plus);
    }

    private bool TryRaw(int start, out bool stripAfter)
    {
        stripAfter = false;
        var p = SkipSpaces(_pos);
        if (!MatchWord(p, "raw"))
        {
            return false;
        }

        p = SkipSpaces(p + 3);
        var stripInside = false;
        if (p < _source.Length && _source[p] == '-')
        {
            stripInside = true;
            p++;
        }

        if (!At(p, "%}"))
        {
            return false;
        }

        var contentStart = p + 2;
        var search = contentStart;
        while (true)
        {
            var tag = _source.IndexOf("{%", search, StringComparison.Ordinal);
            if (tag < 0)
            {
                throw Error("Missing end of raw directive.", start);
            }

            var q = tag + 2;
            var stripBefore = false;
            if (q < _source.Length && _source[q] is '-' or '+')
            {
                stripBefore = _source[q] == '-';
                q++;
            }

            q = SkipSpaces(q);
            if (!MatchWord(q, "endraw"))
            {
                search = tag + 2;
                continue;
            }

            q = SkipSpaces(q + 6);
            if (q < _source.Length && _source[q] is '-' or '+')
            {
                stripAfter = _source[q] == '-';
                q++;
            }

            if (!At(q, "%}"))
            {
                search = tag + 2;
                continue;
            }

            var contentEnd = tag;
            var begin = contentStart;
            if (stripInside)
            {
                while (begin < contentEnd && char.IsWhiteSpace(_source[begin]))
                {
                    begin++;
                }
            }
            else if (_options.TrimBlocks && begin < contentEnd && _source[begin] == '\n')
            {
                begin++;
            }

            if (stripBefore)
            {
                while (contentEnd > begin && char.IsWhiteSpace(_source[contentEnd - 1]))
                {
                    contentEnd--;
                }
            }

            if (contentEnd > begin)
            {
                Add(TokenKind.Data, _source[begin..contentEnd], begin);
            }

            _pos = q + 2;
            return true;
        }
    }

    private bool At(int p, string text) => string.CompareOrdinal(_source, p, text, 0, text.Length) == 0;

    private bool MatchWord(int p, string word) =>
        At(p, word) && (p + word.Length >= _source.Length || !IsNameChar(_source[p + word.Length]));

    private int SkipSpaces(int p)
    {
        while (p < _source.Length && char.IsWhiteSpace(_source[p]))
        {
            p++;
        }

        return p;
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsNameChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    private (bool Strip, bool TrimNewline) LexTag(bool block, int start)
    {
        var src = _source;
        var depth = 0;
        while (true)
        {
            _pos = SkipSpaces(_pos);
            if (_pos >= src.Length)
            {
                throw Error(block ? "Unexpected end of template: the tag is never closed with '%}'." : "Unexpected end of template: the expression is never closed with '}}'.", start);
            }

            var c = src[_pos];
            if (depth == 0)
            {
                if (block)
                {
                    if ((c is '-' or '+') && At(_pos + 1, "%}"))
                    {
                        Add(TokenKind.BlockEnd, null, _pos);
                        _pos += 3;
                        return (c == '-', _options.TrimBlocks && c != '+');
                    }

                    if (At(_pos, "%}"))
                    {
                        Add(TokenKind.BlockEnd, null, _pos);
                        _pos += 2;
                        return (false, _options.TrimBlocks);
                    }
                }
                else
                {
                    if (c == '-' && At(_pos + 1, "}}"))
                    {
                        Add(TokenKind.VariableEnd, null, _pos);
                        _pos += 3;
                        return (true, false);
                    }

                    if (At(_pos, "}}"))
                    {
                        Add(TokenKind.VariableEnd, null, _pos);
                        _pos += 2;
                        return (false, false);
                    }
                }
            }

            if (IsNameStart(c))
            {
                var s = _pos;
                while (_pos < src.Length && IsNameChar(src[_pos]))
                {
                    _pos++;
                }

                Add(TokenKind.Name, src[s.._pos], s);
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                LexNumber();
                continue;
            }

            if (c is '\'' or '"')
            {
                LexString(c);
                continue;
            }

            var kind = LexOperator(c);
            switch (kind)
            {
                case TokenKind.LParen or TokenKind.LBracket or TokenKind.LBrace:
                    depth++;
                    break;
                case TokenKind.RParen or TokenKind.RBracket or TokenKind.RBrace:
                    if (depth == 0)
                    {
                        throw Error($"unexpected '{c}'", _pos);
                    }

                    depth--;
                    break;
                default:
                    break;
            }

            var length = OperatorText(kind).Length;
            Add(kind, null, _pos);
            _pos += length;
        }
    }

    private TokenKind LexOperator(char c)
    {
        var next = _pos + 1 < _source.Length ? _source[_pos + 1] : '\0';
        return c switch
        {
            '*' when next == '*' => TokenKind.Pow,
            '/' when next == '/' => TokenKind.FloorDiv,
            '=' when next == '=' => TokenKind.Eq,
            '!' when next == '=' => TokenKind.Ne,
            '>' when next == '=' => TokenKind.Gteq,
            '<' when next == '=' => TokenKind.Lteq,
            '+' => TokenKind.Add,
            '-' => TokenKind.Sub,
            '*' => TokenKind.Mul,
            '/' => TokenKind.Div,
            '%' => TokenKind.Mod,
            '~' => TokenKind.Tilde,
            '[' => TokenKind.LBracket,
            ']' => TokenKind.RBracket,
            '(' => TokenKind.LParen,
            ')' => TokenKind.RParen,
            '{' => TokenKind.LBrace,
            '}' => TokenKind.RBrace,
            '>' => TokenKind.Gt,
            '<' => TokenKind.Lt,
            '=' => TokenKind.Assign,
            '.' => TokenKind.Dot,
            ':' => TokenKind.Colon,
            '|' => TokenKind.Pipe,
            ',' => TokenKind.Comma,
            ';' => TokenKind.Semicolon,
            _ => throw Error($"unexpected char '{c}'", _pos),
        };
    }

    private void LexNumber()
    {
        var src = _source;
        var s = _pos;
        if (src[s] == '0' && s + 1 < src.Length && src[s + 1] is 'b' or 'B' or 'o' or 'O' or 'x' or 'X')
        {
            var radix = char.ToLowerInvariant(src[s + 1]) switch { 'b' => 2, 'o' => 8, _ => 16 };
            var p = s + 2;
            var value = BigInteger.Zero;
            var any = false;
            while (p < src.Length)
            {
                var ch = src[p];
                if (ch == '_')
                {
                    p++;
                    continue;
                }

                var digit = char.IsAsciiDigit(ch) ? ch - '0' : char.IsAsciiHexDigit(ch) ? char.ToLowerInvariant(ch) - 'a' + 10 : 99;
                if (digit >= radix)
                {
                    break;
                }

                value = (value * radix) + digit;
                any = true;
                p++;
            }

            if (any)
            {
                Add(TokenKind.Integer, Numbers.Normalize(value), s);
                _pos = p;
                return;
            }
        }

        var end = ScanDigits(s);
        var isFloat = false;
        var afterDot = s > 0 && src[s - 1] == '.';
        if (!afterDot)
        {
            if (end + 1 < src.Length && src[end] == '.' && char.IsAsciiDigit(src[end + 1]))
            {
                end = ScanDigits(end + 1);
                isFloat = true;
            }

            if (end < src.Length && src[end] is 'e' or 'E')
            {
                var p = end + 1;
                if (p < src.Length && src[p] is '+' or '-')
                {
                    p++;
                }

                if (p < src.Length && char.IsAsciiDigit(src[p]))
                {
                    end = ScanDigits(p);
                    isFloat = true;
                }
            }
        }

        var text = src[s..end].Replace("_", string.Empty, StringComparison.Ordinal);
        _pos = end;
        if (isFloat)
        {
            Add(TokenKind.Float, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), s);
        }
        else
        {
            Add(TokenKind.Integer, Numbers.Normalize(BigInteger.Parse(text, CultureInfo.InvariantCulture)), s);
        }
    }

    private int ScanDigits(int p)
    {
        var src = _source;
        while (p < src.Length && (char.IsAsciiDigit(src[p]) || (src[p] == '_' && p + 1 < src.Length && char.IsAsciiDigit(src[p + 1]))))
        {
            p++;
        }

        return p;
    }

    private void LexString(char quote)
    {
        var src = _source;
        var s = _pos;
        var p = s + 1;
        StringBuilder? sb = null;
        var runStart = p;
        while (true)
        {
            if (p >= src.Length)
            {
                throw Error("unexpected end of string", s);
            }

            var c = src[p];
            if (c == quote)
            {
                break;
            }

            if (c != '\\')
            {
                p++;
                continue;
            }

            sb ??= new StringBuilder();
            sb.Append(src, runStart, p - runStart);
            p = Unescape(src, p, sb, s);
            runStart = p;
        }

        string value;
        if (sb is null)
        {
            value = src[runStart..p];
        }
        else
        {
            sb.Append(src, runStart, p - runStart);
            value = sb.ToString();
        }

        Add(TokenKind.String, value, s);
        _pos = p + 1;
    }

    // Decodes one backslash escape as Python's unicode_escape codec does; unknown escapes keep the backslash.
    private int Unescape(string src, int p, StringBuilder sb, int stringStart)
    {
        if (p + 1 >= src.Length)
        {
            throw Error("unexpected end of string", stringStart);
        }

        var e = src[p + 1];
        switch (e)
        {
            case '\n':
                return p + 2;
            case '\\':
                sb.Append('\\');
                return p + 2;
            case '\'':
                sb.Append('\'');
                return p + 2;
            case '"':
                sb.Append('"');
                return p + 2;
            case 'a':
                sb.Append('\a');
                return p + 2;
            case 'b':
                sb.Append('\b');
                return p + 2;
            case 'f':
                sb.Append('\f');
                return p + 2;
            case 'n':
                sb.Append('\n');
                return p + 2;
            case 'r':
                sb.Append('\r');
                return p + 2;
            case 't':
                sb.Append('\t');
                return p + 2;
            case 'v':
                sb.Append('\v');
                return p + 2;
            case 'x':
                return AppendHex(src, p, 2, sb, stringStart);
            case 'u':
                return AppendHex(src, p, 4, sb, stringStart);
            case 'U':
                return AppendHex(src, p, 8, sb, stringStart);
            default:
                if (e is >= '0' and <= '7')
                {
                    var q = p + 1;
                    var value = 0;
                    while (q < src.Length && q < p + 4 && src[q] is >= '0' and <= '7')
                    {
                        value = (value * 8) + (src[q] - '0');
                        q++;
                    }

                    sb.Append((char)value);
                    return q;
                }

                sb.Append('\\').Append(e);
                return p + 2;
        }
    }

    private int AppendHex(string src, int p, int digits, StringBuilder sb, int stringStart)
    {
        var start = p + 2;
        if (start + digits > src.Length
            || !int.TryParse(src.AsSpan(start, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code < 0)
        {
            throw Error($"invalid \\{src[p + 1]} escape in string", stringStart);
        }

        sb.Append(code is >= 0xD800 and <= 0xDFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code));
        return start + digits;
    }
}
