using Nagare.Templating.Ast;

namespace Nagare.Templating.Syntax;

/// <summary>
/// Recursive-descent parser following Jinja's grammar and operator precedence, including its quirks
/// (<c>**</c> is left-associative and binds looser than unary minus, filters bind tighter than unary minus).
/// </summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly string _name;
    private readonly TemplateOptions _options;
    private readonly List<string> _tagStack = [];
    private readonly List<string[]> _endTokenStack = [];
    private int _index;
    private int _depth;
    private int _loopDepth;

    private Parser(List<Token> tokens, string name, TemplateOptions options)
    {
        _tokens = tokens;
        _name = name;
        _options = options;
    }

    private Token Current => _tokens[_index];

    private Token Peek => _tokens[Math.Min(_index + 1, _tokens.Count - 1)];

    public static Stmt[] Parse(string source, string name, TemplateOptions options)
    {
        var parser = new Parser(Lexer.Tokenize(source, name, options), name, options);
        return parser.Subparse(null);
    }

    private Token Next()
    {
        var t = _tokens[_index];
        if (t.Kind != TokenKind.Eof)
        {
            _index++;
        }

        return t;
    }

    private TemplateSyntaxException Fail(string message, Token at) =>
        new(message, _name, at.Line, at.Column);

    private TemplateSyntaxException Fail(string message) => Fail(message, Current);

    private Token Expect(TokenKind kind)
    {
        var t = Current;
        if (t.Kind != kind)
        {
            if (t.Kind == TokenKind.Eof)
            {
                throw Fail($"unexpected end of template, expected '{Describe(kind)}'.");
            }

            throw Fail($"expected token '{Describe(kind)}', got '{t.Describe()}'");
        }

        return Next();
    }

    private static string Describe(TokenKind kind) => new Token(kind, null, 0, 0).Describe();

    private void ExpectName(string name)
    {
        if (!Current.IsName(name))
        {
            throw Fail($"expected token '{name}', got '{Current.Describe()}'");
        }

        Next();
    }

    private bool SkipIf(TokenKind kind)
    {
        if (Current.Kind == kind)
        {
            Next();
            return true;
        }

        return false;
    }

    private bool SkipIfName(string name)
    {
        if (Current.IsName(name))
        {
            Next();
            return true;
        }

        return false;
    }

    private void Enter()
    {
        if (++_depth > _options.MaxNestingDepth)
        {
            throw Fail($"The template nests expressions or blocks deeper than {_options.MaxNestingDepth} levels.");
        }
    }

    private bool AtAny(string[]? names)
    {
        if (names is null || Current.Kind != TokenKind.Name)
        {
            return false;
        }

        foreach (var n in names)
        {
            if (Current.IsName(n))
            {
                return true;
            }
        }

        return false;
    }

    private Stmt[] Subparse(string[]? endTokens)
    {
        var body = new List<Stmt>();
        if (endTokens is not null)
        {
            _endTokenStack.Add(endTokens);
        }

        try
        {
            while (Current.Kind != TokenKind.Eof)
            {
                var t = Current;
                switch (t.Kind)
                {
                    case TokenKind.Data:
                        Next();
                        body.Add(new TextStmt(t.Text, t.Line, t.Column));
                        break;
                    case TokenKind.VariableBegin:
                        Next();
                        var value = ParseTuple(withCondexpr: true);
                        Expect(TokenKind.VariableEnd);
                        body.Add(new OutputStmt(value, t.Line, t.Column));
                        break;
                    case TokenKind.BlockBegin:
                        Next();
                        if (AtAny(endTokens))
                        {
                            return [.. body];
                        }

                        body.Add(ParseStatement());
                        Expect(TokenKind.BlockEnd);
                        break;
                    default:
                        throw Fail($"unexpected '{t.Describe()}'");
                }
            }

            return [.. body];
        }
        finally
        {
            if (endTokens is not null)
            {
                _endTokenStack.RemoveAt(_endTokenStack.Count - 1);
            }
        }
    }

    private Stmt[] ParseStatements(string[] endTokens, bool dropNeedle = false)
    {
        SkipIf(TokenKind.Colon);
        Expect(TokenKind.BlockEnd);
        var result = Subparse(endTokens);
        if (Current.Kind == TokenKind.Eof)
        {
            throw FailEof(endTokens);
        }

        if (dropNeedle)
        {
            Next();
        }

        return result;
    }

    private TemplateSyntaxException FailEof(string[] endTokens)
    {
        var expected = string.Join(" or ", endTokens.Select(e => $"'{e}'"));
        var innermost = _tagStack.Count > 0 ? $" The innermost block that needs to be closed is '{_tagStack[^1]}'." : string.Empty;
        return Fail($"Unexpected end of template. Jinja was looking for the following tags: {expected}.{innermost}");
    }

    private Stmt ParseStatement()
    {
        var token = Current;
        if (token.Kind != TokenKind.Name)
        {
            throw Fail("tag name expected");
        }

        Enter();
        _tagStack.Add(token.Text);
        try
        {
            switch (token.Text)
            {
                case "for":
                    return ParseFor();
                case "if":
                    return ParseIf();
                case "set":
                    return ParseSet();
                case "macro":
                    return ParseMacro();
                case "call":
                    return ParseCallBlock();
                case "filter":
                    return ParseFilterBlock();
                case "with":
                    return ParseWith();
                case "block":
                    return ParseBlock();
                case "do":
                    Next();
                    return new DoStmt(ParseTuple(withCondexpr: true), token.Line, token.Column);
                case "break" or "continue":
                    Next();
                    if (_loopDepth == 0)
                    {
                        throw Fail($"'{token.Text}' is only allowed inside a loop", token);
                    }

                    return token.Text == "break" ? new BreakStmt(token.Line, token.Column) : new ContinueStmt(token.Line, token.Column);
                case "autoescape":
                    Next();
                    ParseExpression();
                    return new BlockStmt("autoescape", ParseStatements(["endautoescape"], dropNeedle: true), token.Line, token.Column);
                case "test":
                    return ParseDbtTest();
                case "materialization":
                    return ParseDbtMaterialization();
                case "docs":
                    return ParseDbtDocs();
                case "extends" or "include" or "import" or "from":
                    throw Fail($"The '{token.Text}' tag is not supported: templates cannot load other templates. Define shared macros in macro files instead.", token);
                default:
                    _tagStack.RemoveAt(_tagStack.Count - 1);
                    throw FailUnknownTag(token);
            }
        }
        finally
        {
            if (_tagStack.Count > 0 && _tagStack[^1] == token.Text)
            {
                _tagStack.RemoveAt(_tagStack.Count - 1);
            }

            _depth--;
        }
    }

    private TemplateSyntaxException FailUnknownTag(Token token)
    {
        var expected = new List<string>();
        foreach (var set in _endTokenStack)
        {
            expected.AddRange(set);
        }

        var message = $"Encountered unknown tag '{token.Text}'.";
        if (_endTokenStack.Count > 0)
        {
            var current = string.Join(" or ", _endTokenStack[^1].Select(e => $"'{e}'"));
            message += $" Jinja was looking for the following tags: {current}.";
            if (_tagStack.Count > 0)
            {
                message += $" The innermost block that needs to be closed is '{_tagStack[^1]}'.";
            }
        }

        return Fail(message, token);
    }

    private ForStmt ParseFor()
    {
        var start = Next();
        var target = ParseAssignTarget(extraEndRules: ["in"]);
        ExpectName("in");
        var iterable = ParseTuple(withCondexpr: false, extraEndRules: ["recursive"]);
        Expr? filter = null;
        if (SkipIfName("if"))
        {
            filter = ParseExpression();
        }

        var recursive = SkipIfName("recursive");
        _loopDepth++;
        Stmt[] body;
        try
        {
            body = ParseStatements(["endfor", "else"]);
        }
        finally
        {
            _loopDepth--;
        }

        Stmt[] elseBody = [];
        if (Next().Text != "endfor")
        {
            elseBody = ParseStatements(["endfor"], dropNeedle: true);
        }

        return new ForStmt(target, iterable, body, elseBody, filter, recursive, start.Line, start.Column);
    }

    private IfStmt ParseIf()
    {
        var start = Next();
        var tests = new List<Expr>();
        var bodies = new List<Stmt[]>();
        Stmt[] elseBody = [];
        while (true)
        {
            tests.Add(ParseTuple(withCondexpr: false));
            bodies.Add(ParseStatements(["elif", "else", "endif"]));
            var token = Next();
            if (token.Text == "elif")
            {
                continue;
            }

            if (token.Text == "else")
            {
                elseBody = ParseStatements(["endif"], dropNeedle: true);
            }

            break;
        }

        return new IfStmt([.. tests], [.. bodies], elseBody, start.Line, start.Column);
    }

    private Stmt ParseSet()
    {
        var start = Next();
        var target = ParseAssignTarget(withNamespace: true);
        if (SkipIf(TokenKind.Assign))
        {
            return new SetStmt(target, ParseTuple(withCondexpr: true), start.Line, start.Column);
        }

        var filter = ParseFilter(null);
        var body = ParseStatements(["endset"], dropNeedle: true);
        return new SetBlockStmt(target, filter, body, start.Line, start.Column);
    }

    private MacroStmt ParseMacro()
    {
        var start = Next();
        var name = Expect(TokenKind.Name).Text;
        var (parameters, defaults) = ParseSignature();
        var body = ParseMacroBody(["endmacro"]);
        return new MacroStmt(new MacroDefinition(name, parameters, defaults, body, _name, start.Line, start.Column), start.Line, start.Column);
    }

    private Stmt[] ParseMacroBody(string[] endTokens)
    {
        var savedLoop = _loopDepth;
        _loopDepth = 0;
        try
        {
            return ParseStatements(endTokens, dropNeedle: true);
        }
        finally
        {
            _loopDepth = savedLoop;
        }
    }

    private (string[] Parameters, Expr?[] Defaults) ParseSignature()
    {
        var parameters = new List<string>();
        var defaults = new List<Expr?>();
        Expect(TokenKind.LParen);
        while (Current.Kind != TokenKind.RParen)
        {
            if (parameters.Count > 0)
            {
                Expect(TokenKind.Comma);
                if (Current.Kind == TokenKind.RParen)
                {
                    break;
                }
            }

            var arg = Expect(TokenKind.Name);
            if (arg.Text is "true" or "false" or "none" or "True" or "False" or "None")
            {
                throw Fail($"can't assign to '{arg.Text}'", arg);
            }

            parameters.Add(arg.Text);
            if (SkipIf(TokenKind.Assign))
            {
                defaults.Add(ParseExpression());
            }
            else if (defaults.Any(d => d is not null))
            {
                throw Fail("non-default argument follows default argument", arg);
            }
            else
            {
                defaults.Add(null);
            }
        }

        Expect(TokenKind.RParen);
        return ([.. parameters], [.. defaults]);
    }

    private CallBlockStmt ParseCallBlock()
    {
        var start = Next();
        string[] parameters = [];
        Expr?[] defaults = [];
        if (Current.Kind == TokenKind.LParen)
        {
            (parameters, defaults) = ParseSignature();
        }

        var callToken = Current;
        if (ParseExpression() is not CallExpr call)
        {
            throw Fail("expected call", callToken);
        }

        var body = ParseMacroBody(["endcall"]);
        // The caller of a call block is anonymous in Jinja (its name is None).
        return new CallBlockStmt(call, new MacroDefinition(string.Empty, parameters, defaults, body, _name, start.Line, start.Column), start.Line, start.Column);
    }

    private FilterBlockStmt ParseFilterBlock()
    {
        var start = Next();
        var filter = ParseFilter(null, startInline: true) ?? throw Fail("expected a filter name");
        var body = ParseStatements(["endfilter"], dropNeedle: true);
        return new FilterBlockStmt(filter, body, start.Line, start.Column);
    }

    private WithStmt ParseWith()
    {
        var start = Next();
        var targets = new List<Expr>();
        var values = new List<Expr>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (targets.Count > 0)
            {
                Expect(TokenKind.Comma);
            }

            targets.Add(ParseAssignTarget());
            Expect(TokenKind.Assign);
            values.Add(ParseExpression());
        }

        var body = ParseStatements(["endwith"], dropNeedle: true);
        return new WithStmt([.. targets], [.. values], body, start.Line, start.Column);
    }

    private BlockStmt ParseBlock()
    {
        var start = Next();
        var name = Expect(TokenKind.Name).Text;
        SkipIfName("scoped");
        SkipIfName("required");
        var body = ParseStatements(["endblock"], dropNeedle: true);
        if (Current.Kind == TokenKind.Name)
        {
            var end = Next();
            if (end.Text != name)
            {
                throw Fail($"'{name}' block ends with 'endblock {end.Text}'", end);
            }
        }

        return new BlockStmt(name, body, start.Line, start.Column);
    }

    // dbt: {% test name(args) %} defines the macro test_name.
    private MacroStmt ParseDbtTest()
    {
        var start = Next();
        var name = Expect(TokenKind.Name).Text;
        var (parameters, defaults) = ParseSignature();
        var body = ParseMacroBody(["endtest"]);
        return new MacroStmt(new MacroDefinition("test_" + name, parameters, defaults, body, _name, start.Line, start.Column), start.Line, start.Column);
    }

    // dbt: {% docs name %} defines the macro docs_name, whose text is the documentation.
    private MacroStmt ParseDbtDocs()
    {
        var start = Next();
        var name = Expect(TokenKind.Name).Text;
        var body = ParseMacroBody(["enddocs"]);
        return new MacroStmt(new MacroDefinition("docs_" + name, [], [], body, _name, start.Line, start.Column), start.Line, start.Column);
    }

    // dbt: {% materialization name, adapter='x' %} (or default=true) defines materialization_name_adapter.
    private MacroStmt ParseDbtMaterialization()
    {
        var start = Next();
        var name = Expect(TokenKind.Name).Text;
        var adapter = "default";
        while (SkipIf(TokenKind.Comma))
        {
            var key = Expect(TokenKind.Name).Text;
            if (key == "default")
            {
                continue;
            }

            Expect(TokenKind.Assign);
            var value = ParseExpression();
            if (key == "adapter")
            {
                adapter = value is ConstExpr { Value: string s } ? s : throw Fail("materialization adapter must be a string", start);
            }
        }

        var body = ParseMacroBody(["endmaterialization"]);
        var macroName = $"materialization_{name}_{adapter}";
        return new MacroStmt(new MacroDefinition(macroName, [], [], body, _name, start.Line, start.Column), start.Line, start.Column);
    }

    private Expr ParseAssignTarget(bool withTuple = true, bool nameOnly = false, string[]? extraEndRules = null, bool withNamespace = false)
    {
        Expr target;
        if (withNamespace && Peek.Kind == TokenKind.Dot)
        {
            var ns = Expect(TokenKind.Name);
            Next();
            var attr = Expect(TokenKind.Name);
            target = new NamespaceRefExpr(ns.Text, attr.Text, ns.Line, ns.Column);
        }
        else if (nameOnly)
        {
            var n = Expect(TokenKind.Name);
            target = new NameExpr(n.Text, n.Line, n.Column);
        }
        else
        {
            target = withTuple ? ParseTuple(simplified: true, extraEndRules: extraEndRules) : ParsePrimary();
        }

        if (!IsAssignable(target))
        {
            throw Fail($"can't assign to '{target.GetType().Name.Replace("Expr", string.Empty, StringComparison.Ordinal).ToLowerInvariant()}'", new Token(TokenKind.Name, null, target.Line, target.Column));
        }

        return target;
    }

    private static bool IsAssignable(Expr target) => target switch
    {
        NameExpr n => n.Name is not ("true" or "false" or "none" or "True" or "False" or "None"),
        NamespaceRefExpr => true,
        TupleExpr t => t.Items.All(IsAssignable),
        _ => false,
    };

    private Expr ParseExpression(bool withCondexpr = true) => withCondexpr ? ParseCondexpr() : ParseOr();

    private Expr ParseCondexpr()
    {
        var start = Current;
        var expr1 = ParseOr();
        var mark = _depth;
        while (SkipIfName("if"))
        {
            Enter();
            var expr2 = ParseOr();
            Expr? expr3 = null;
            if (SkipIfName("else"))
            {
                expr3 = ParseCondexpr();
            }

            expr1 = new CondExpr(expr2, expr1, expr3, start.Line, start.Column);
        }

        _depth = mark;
        return expr1;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        var mark = _depth;
        while (Current.IsName("or"))
        {
            Enter();
            var op = Next();
            left = new BinaryExpr(BinaryOperator.Or, left, ParseAnd(), op.Line, op.Column);
        }

        _depth = mark;
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        var mark = _depth;
        while (Current.IsName("and"))
        {
            Enter();
            var op = Next();
            left = new BinaryExpr(BinaryOperator.And, left, ParseNot(), op.Line, op.Column);
        }

        _depth = mark;
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var op = Next();
            Enter();
            try
            {
                return new UnaryExpr(UnaryOperator.Not, ParseNot(), op.Line, op.Column);
            }
            finally
            {
                _depth--;
            }
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var start = Current;
        var expr = ParseMath1();
        var mark = _depth;
        List<CompareOperator>? ops = null;
        List<Expr>? operands = null;
        while (true)
        {
            CompareOperator op;
            switch (Current.Kind)
            {
                case TokenKind.Eq:
                    op = CompareOperator.Eq;
                    break;
                case TokenKind.Ne:
                    op = CompareOperator.Ne;
                    break;
                case TokenKind.Lt:
                    op = CompareOperator.Lt;
                    break;
                case TokenKind.Lteq:
                    op = CompareOperator.Le;
                    break;
                case TokenKind.Gt:
                    op = CompareOperator.Gt;
                    break;
                case TokenKind.Gteq:
                    op = CompareOperator.Ge;
                    break;
                default:
                    if (Current.IsName("in"))
                    {
                        op = CompareOperator.In;
                        break;
                    }

                    if (Current.IsName("not") && Peek.IsName("in"))
                    {
                        Next();
                        op = CompareOperator.NotIn;
                        break;
                    }

                    goto done;
            }

            Next();
            Enter();
            (ops ??= []).Add(op);
            (operands ??= []).Add(ParseMath1());
        }

    done:
        _depth = mark;
        return ops is null ? expr : new CompareExpr(expr, [.. ops], [.. operands!], start.Line, start.Column);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        var mark = _depth;
        while (Current.Kind is TokenKind.Add or TokenKind.Sub)
        {
            Enter();
            var op = Next();
            var right = ParseConcat();
            left = new BinaryExpr(op.Kind == TokenKind.Add ? BinaryOperator.Add : BinaryOperator.Sub, left, right, op.Line, op.Column);
        }

        _depth = mark;
        return left;
    }

    private Expr ParseConcat()
    {
        var start = Current;
        var first = ParseMath2();
        if (Current.Kind != TokenKind.Tilde)
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (SkipIf(TokenKind.Tilde))
        {
            items.Add(ParseMath2());
        }

        return new ConcatExpr([.. items], start.Line, start.Column);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        var mark = _depth;
        while (Current.Kind is TokenKind.Mul or TokenKind.Div or TokenKind.FloorDiv or TokenKind.Mod)
        {
            Enter();
            var op = Next();
            var right = ParsePow();
            var kind = op.Kind switch
            {
                TokenKind.Mul => BinaryOperator.Mul,
                TokenKind.Div => BinaryOperator.Div,
                TokenKind.FloorDiv => BinaryOperator.FloorDiv,
                _ => BinaryOperator.Mod,
            };
            left = new BinaryExpr(kind, left, right, op.Line, op.Column);
        }

        _depth = mark;
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary();
        var mark = _depth;
        while (Current.Kind == TokenKind.Pow)
        {
            Enter();
            var op = Next();
            left = new BinaryExpr(BinaryOperator.Pow, left, ParseUnary(), op.Line, op.Column);
        }

        _depth = mark;
        return left;
    }

    private Expr ParseUnary(bool withFilter = true)
    {
        Enter();
        try
        {
            var token = Current;
            Expr node;
            if (token.Kind == TokenKind.Sub)
            {
                Next();
                node = new UnaryExpr(UnaryOperator.Neg, ParseUnary(false), token.Line, token.Column);
            }
            else if (token.Kind == TokenKind.Add)
            {
                Next();
                node = new UnaryExpr(UnaryOperator.Pos, ParseUnary(false), token.Line, token.Column);
            }
            else
            {
                node = ParsePrimary();
            }

            node = ParsePostfix(node);
            if (withFilter)
            {
                node = ParseFilterExpr(node);
            }

            return node;
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                Next();
                return token.Text switch
                {
                    "true" or "True" => new ConstExpr(true, token.Line, token.Column),
                    "false" or "False" => new ConstExpr(false, token.Line, token.Column),
                    "none" or "None" => new ConstExpr(null, token.Line, token.Column),
                    _ => new NameExpr(token.Text, token.Line, token.Column),
                };
            case TokenKind.String:
                Next();
                if (Current.Kind != TokenKind.String)
                {
                    return new ConstExpr(token.Text, token.Line, token.Column);
                }

                var text = new System.Text.StringBuilder(token.Text);
                while (Current.Kind == TokenKind.String)
                {
                    text.Append(Next().Text);
                }

                return new ConstExpr(text.ToString(), token.Line, token.Column);
            case TokenKind.Integer or TokenKind.Float:
                Next();
                return new ConstExpr(token.Value, token.Line, token.Column);
            case TokenKind.LParen:
                Next();
                var inner = ParseTuple(explicitParentheses: true);
                Expect(TokenKind.RParen);
                return inner;
            case TokenKind.LBracket:
                return ParseList();
            case TokenKind.LBrace:
                return ParseDict();
            case TokenKind.Eof:
                throw Fail("unexpected end of template, expected an expression.");
            default:
                throw Fail($"unexpected '{token.Describe()}'");
        }
    }

    private Expr ParseTuple(bool simplified = false, bool withCondexpr = true, string[]? extraEndRules = null, bool explicitParentheses = false)
    {
        var start = Current;
        var args = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (args.Count > 0)
            {
                Expect(TokenKind.Comma);
            }

            if (IsTupleEnd(extraEndRules))
            {
                break;
            }

            args.Add(simplified ? ParsePrimary() : ParseExpression(withCondexpr));
            if (Current.Kind == TokenKind.Comma)
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }

        if (!isTuple)
        {
            if (args.Count > 0)
            {
                return args[0];
            }

            if (!explicitParentheses)
            {
                throw Fail($"Expected an expression, got '{Current.Describe()}'");
            }
        }

        return new TupleExpr([.. args], start.Line, start.Column);
    }

    private bool IsTupleEnd(string[]? extraEndRules) =>
        Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.RParen || AtAny(extraEndRules);

    private ListExpr ParseList()
    {
        var start = Expect(TokenKind.LBracket);
        var items = new List<Expr>();
        while (Current.Kind != TokenKind.RBracket)
        {
            if (items.Count > 0)
            {
                Expect(TokenKind.Comma);
            }

            if (Current.Kind == TokenKind.RBracket)
            {
                break;
            }

            items.Add(ParseExpression());
        }

        Expect(TokenKind.RBracket);
        return new ListExpr([.. items], start.Line, start.Column);
    }

    private DictExpr ParseDict()
    {
        var start = Expect(TokenKind.LBrace);
        var keys = new List<Expr>();
        var values = new List<Expr>();
        while (Current.Kind != TokenKind.RBrace)
        {
            if (keys.Count > 0)
            {
                Expect(TokenKind.Comma);
            }

            if (Current.Kind == TokenKind.RBrace)
            {
                break;
            }

            keys.Add(ParseExpression());
            Expect(TokenKind.Colon);
            values.Add(ParseExpression());
        }

        Expect(TokenKind.RBrace);
        return new DictExpr([.. keys], [.. values], start.Line, start.Column);
    }

    private Expr ParsePostfix(Expr node)
    {
        var mark = _depth;
        while (true)
        {
            switch (Current.Kind)
            {
                case TokenKind.Dot or TokenKind.LBracket:
                    Enter();
                    node = ParseSubscript(node);
                    break;
                case TokenKind.LParen:
                    Enter();
                    node = ParseCall(node);
                    break;
                default:
                    _depth = mark;
                    return node;
            }
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        var mark = _depth;
        while (true)
        {
            if (Current.Kind != TokenKind.Pipe && !Current.IsName("is") && Current.Kind != TokenKind.LParen)
            {
                _depth = mark;
                return node;
            }

            Enter();
            if (Current.Kind == TokenKind.Pipe)
            {
                node = ParseFilter(node)!;
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else
            {
                node = ParseCall(node);
            }
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = Next();
        if (token.Kind == TokenKind.Dot)
        {
            var attr = Current;
            Next();
            if (attr.Kind == TokenKind.Name)
            {
                return new GetattrExpr(node, attr.Text, token.Line, token.Column);
            }

            if (attr.Kind != TokenKind.Integer)
            {
                throw Fail("expected name or number", attr);
            }

            return new GetitemExpr(node, new ConstExpr(attr.Value, attr.Line, attr.Column), token.Line, token.Column);
        }

        var args = new List<Expr>();
        while (Current.Kind != TokenKind.RBracket)
        {
            if (args.Count > 0)
            {
                Expect(TokenKind.Comma);
            }

            args.Add(ParseSubscribed());
        }

        Expect(TokenKind.RBracket);
        var index = args.Count == 1 ? args[0] : new TupleExpr([.. args], token.Line, token.Column);
        return new GetitemExpr(node, index, token.Line, token.Column);
    }

    private Expr ParseSubscribed()
    {
        var start = Current;
        Expr? first = null;
        if (Current.Kind == TokenKind.Colon)
        {
            Next();
        }
        else
        {
            first = ParseExpression();
            if (Current.Kind != TokenKind.Colon)
            {
                return first;
            }

            Next();
        }

        Expr? stop = null;
        Expr? step = null;
        if (Current.Kind is not (TokenKind.RBracket or TokenKind.Comma or TokenKind.Colon))
        {
            stop = ParseExpression();
        }

        if (Current.Kind == TokenKind.Colon)
        {
            Next();
            if (Current.Kind is not (TokenKind.RBracket or TokenKind.Comma))
            {
                step = ParseExpression();
            }
        }

        return new SliceExpr(first, stop, step, start.Line, start.Column);
    }

    private CallExpr ParseCall(Expr node)
    {
        var token = Current;
        var args = ParseCallArgs();
        return new CallExpr(node, args, token.Line, token.Column);
    }

    private CallArguments ParseCallArgs()
    {
        var token = Expect(TokenKind.LParen);
        var args = new List<Expr>();
        var kwargs = new List<KeyValuePair<string, Expr>>();
        Expr? dynArgs = null;
        Expr? dynKwargs = null;
        var requireComma = false;
        while (Current.Kind != TokenKind.RParen)
        {
            if (requireComma)
            {
                Expect(TokenKind.Comma);
                if (Current.Kind == TokenKind.RParen)
                {
                    break;
                }
            }

            if (Current.Kind == TokenKind.Mul)
            {
                if (dynArgs is not null || dynKwargs is not null)
                {
                    throw Fail("Invalid argument syntax", token);
                }

                Next();
                dynArgs = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Pow)
            {
                if (dynKwargs is not null)
                {
                    throw Fail("Invalid argument syntax", token);
                }

                Next();
                dynKwargs = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Name && Peek.Kind == TokenKind.Assign)
            {
                if (dynKwargs is not null)
                {
                    throw Fail("Invalid argument syntax", token);
                }

                var key = Next().Text;
                Next();
                kwargs.Add(new KeyValuePair<string, Expr>(key, ParseExpression()));
            }
            else
            {
                if (dynArgs is not null || dynKwargs is not null || kwargs.Count > 0)
                {
                    throw Fail("Invalid argument syntax", token);
                }

                args.Add(ParseExpression());
            }

            requireComma = true;
        }

        Expect(TokenKind.RParen);
        return new CallArguments([.. args], [.. kwargs], dynArgs, dynKwargs);
    }

    private FilterExpr? ParseFilter(Expr? node, bool startInline = false)
    {
        FilterExpr? result = null;
        var mark = _depth;
        while (Current.Kind == TokenKind.Pipe || startInline)
        {
            Enter();
            if (!startInline)
            {
                Next();
            }

            var token = Expect(TokenKind.Name);
            var name = token.Text;
            while (Current.Kind == TokenKind.Dot)
            {
                Next();
                name += "." + Expect(TokenKind.Name).Text;
            }

            var args = Current.Kind == TokenKind.LParen ? ParseCallArgs() : CallArguments.Empty;
            result = new FilterExpr(node, name, args, token.Line, token.Column);
            node = result;
            startInline = false;
        }

        _depth = mark;
        return result;
    }

    private Expr ParseTest(Expr node)
    {
        var token = Next();
        var negated = SkipIfName("not");
        var name = Expect(TokenKind.Name).Text;
        while (Current.Kind == TokenKind.Dot)
        {
            Next();
            name += "." + Expect(TokenKind.Name).Text;
        }

        CallArguments args;
        if (Current.Kind == TokenKind.LParen)
        {
            args = ParseCallArgs();
        }
        else if (Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float or TokenKind.LParen or TokenKind.LBracket or TokenKind.LBrace
            && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and"))
        {
            if (Current.IsName("is"))
            {
                throw Fail("You cannot chain multiple tests with is");
            }

            var arg = ParsePostfix(ParsePrimary());
            args = new CallArguments([arg], [], null, null);
        }
        else
        {
            args = CallArguments.Empty;
        }

        Expr result = new TestExpr(node, name, args, token.Line, token.Column);
        if (negated)
        {
            result = new UnaryExpr(UnaryOperator.Not, result, token.Line, token.Column);
        }

        return result;
    }
}
