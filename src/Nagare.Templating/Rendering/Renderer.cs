using System.Runtime.CompilerServices;
using System.Text;
using Nagare.Templating.Ast;
using Nagare.Templating.Filters;
using Nagare.Templating.Methods;
using Nagare.Templating.Predicates;
using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

/// <summary>
/// Walks the syntax tree and writes output. One renderer serves one render call, so templates can be
/// rendered from many threads at once. It enforces the limits of <see cref="TemplateOptions"/>.
/// </summary>
internal sealed partial class Renderer : IExpressionVisitor<object?>, IStatementVisitor
{
    private readonly IReadOnlyDictionary<string, object?>? _context;
    private StringBuilder _output = new();
    private long _iterations;
    private int _depth;
    private int _macroDepth;

    public Renderer(TemplateEnvironment environment, IReadOnlyDictionary<string, object?>? context, string templateName)
    {
        Environment = environment;
        Options = environment.Options;
        _context = context;
        TemplateName = templateName;
        Scope = new Scope(null);
    }

    public TemplateEnvironment Environment { get; }

    public TemplateOptions Options { get; }

    public Scope Scope { get; private set; }

    public string TemplateName { get; private set; }

    /// <summary>Whether a macro (or caller block) is executing, which is where dbt's return() is allowed.</summary>
    public bool InMacro => _macroDepth > 0;

    public string Render(Stmt[] body)
    {
        var previous = PyOps.MaxLength;
        PyOps.MaxLength = Options.MaxOutputLength;
        try
        {
            RenderBody(body);
        }
        catch (MacroReturn)
        {
            throw new TemplateRuntimeException("return() was called outside of a macro.", TemplateName, 0, 0);
        }
        finally
        {
            PyOps.MaxLength = previous;
        }

        return _output.ToString();
    }

    public object? CallTopLevel(ICallable callable, Arguments arguments)
    {
        var previous = PyOps.MaxLength;
        PyOps.MaxLength = Options.MaxOutputLength;
        try
        {
            return callable.Call(this, arguments);
        }
        catch (PyException ex)
        {
            throw new TemplateRuntimeException(ex.Message, TemplateName, 0, 0);
        }
        finally
        {
            PyOps.MaxLength = previous;
        }
    }

    /// <summary>Resolves a variable: scopes, then the render context, then environment globals.</summary>
    public object? Lookup(string name)
    {
        if (Scope.TryGet(name, out var value))
        {
            return value;
        }

        if (_context is not null && _context.TryGetValue(name, out value))
        {
            return PyOps.Import(value);
        }

        if (Environment.TryGetGlobal(name, out value))
        {
            return value;
        }

        return new Undefined(name);
    }

    private void Write(string text)
    {
        _output.Append(text);
        if (_output.Length > Options.MaxOutputLength)
        {
            throw new PyException("LimitError", $"The output exceeds the limit of {Options.MaxOutputLength} characters.");
        }
    }

    private Flow RenderBody(Stmt[] body)
    {
        foreach (var stmt in body)
        {
            Flow flow;
            try
            {
                flow = stmt.Accept(this);
            }
            catch (PyException ex)
            {
                throw Locate(ex, stmt);
            }

            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    /// <summary>Renders a body into its own buffer and scope, returning the text.</summary>
    private string Capture(Stmt[] body, Scope scope)
    {
        var savedOutput = _output;
        var savedScope = Scope;
        _output = new StringBuilder();
        Scope = scope;
        try
        {
            RenderBody(body);
            return _output.ToString();
        }
        finally
        {
            _output = savedOutput;
            Scope = savedScope;
        }
    }

    public object? Eval(Expr expr)
    {
        try
        {
            return expr.Accept(this);
        }
        catch (PyException ex)
        {
            throw Locate(ex, expr);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is PyException inner)
        {
            // Sorting wraps a comparison error (e.g. str against int) in InvalidOperationException.
            throw Locate(inner, expr);
        }
    }

    private TemplateException Locate(PyException ex, Node node)
    {
        if (ex.Kind == "LimitError")
        {
            return new TemplateLimitException(ex.Message, TemplateName, node.Line, node.Column);
        }

        return new TemplateRuntimeException(ex.Message, TemplateName, node.Line, node.Column);
    }

    private TemplateException Locate(Exception ex, Node node, string what) => ex switch
    {
        TemplateException { Line: 0 } te => new TemplateRuntimeException(te.Description.Length > 0 ? te.Description : te.Message, TemplateName, node.Line, node.Column, te),
        InsufficientExecutionStackException => new TemplateLimitException("The template recursed too deeply.", TemplateName, node.Line, node.Column),
        _ => new TemplateRuntimeException($"{what} failed: {ex.Message}", TemplateName, node.Line, node.Column, ex),
    };

    private void CountIteration(Node node)
    {
        if (++_iterations > Options.MaxLoopIterations)
        {
            throw new TemplateLimitException($"The template exceeded the limit of {Options.MaxLoopIterations} loop iterations.", TemplateName, node.Line, node.Column);
        }
    }

    private void Assign(Expr target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameExpr n:
                scope.Set(n.Name, value);
                break;
            case TupleExpr t:
                var items = PyOps.ToList(value);
                if (items.Count < t.Items.Length)
                {
                    throw PyException.Value($"not enough values to unpack (expected {t.Items.Length}, got {items.Count})");
                }

                if (items.Count > t.Items.Length)
                {
                    throw PyException.Value($"too many values to unpack (expected {t.Items.Length})");
                }

                for (var i = 0; i < items.Count; i++)
                {
                    Assign(t.Items[i], items[i], scope);
                }

                break;
            case NamespaceRefExpr r:
                if (Lookup(r.Name) is not Namespace ns)
                {
                    throw new PyException("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
                }

                ns.Attributes[r.Attribute] = value;
                break;
            default:
                throw PyException.Type("cannot assign to this expression");
        }
    }

    // Statements

    public Flow VisitTextStmt(TextStmt node)
    {
        Write(node.Text);
        return Flow.Normal;
    }

    public Flow VisitOutputStmt(OutputStmt node)
    {
        var value = Eval(node.Value);
        if (value is Undefined u)
        {
            if (Options.StrictUndefined)
            {
                throw PyException.Undefined(u);
            }

            return Flow.Normal;
        }

        Write(value as string ?? PyFormat.ToStr(value));
        return Flow.Normal;
    }

    public Flow VisitIfStmt(IfStmt node)
    {
        for (var i = 0; i < node.Tests.Length; i++)
        {
            if (PyOps.Truthy(Eval(node.Tests[i])))
            {
                return RenderBody(node.Bodies[i]);
            }
        }

        return RenderBody(node.Else);
    }

    public Flow VisitForStmt(ForStmt node)
    {
        var iterable = Eval(node.Iterable);
        RunLoop(node, iterable, 0);
        return Flow.Normal;
    }

    private void RunLoop(ForStmt node, object? iterable, int depth0)
    {
        if (iterable is Undefined u && Options.StrictUndefined)
        {
            throw PyException.Undefined(u);
        }

        List<object?> items;
        try
        {
            items = PyOps.ToList(iterable);
        }
        catch (PyException ex)
        {
            throw Locate(ex, node.Iterable);
        }

        var outer = Scope;
        if (node.Filter is not null)
        {
            var filtered = new List<object?>(items.Count);
            foreach (var item in items)
            {
                CountIteration(node);
                var probe = new Scope(outer);
                Assign(node.Target, item, probe);
                Scope = probe;
                try
                {
                    if (PyOps.Truthy(Eval(node.Filter)))
                    {
                        filtered.Add(item);
                    }
                }
                finally
                {
                    Scope = outer;
                }
            }

            items = filtered;
        }

        if (items.Count == 0)
        {
            Scope = new Scope(outer);
            try
            {
                RenderBody(node.Else);
            }
            finally
            {
                Scope = outer;
            }

            return;
        }

        Func<object?, string>? recurse = null;
        if (node.Recursive)
        {
            recurse = nested =>
            {
                EnterCall(node);
                var saved = _output;
                _output = new StringBuilder();
                try
                {
                    RunLoop(node, nested, depth0 + 1);
                    return _output.ToString();
                }
                finally
                {
                    _output = saved;
                    _depth--;
                }
            };
        }

        var loop = new LoopContext(items, depth0, recurse);

        // As in Jinja, the else branch also runs when no iteration reached the end of the body
        // (every iteration ended in break or continue).
        var completed = false;
        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                CountIteration(node);
                var scope = new Scope(outer);
                Assign(node.Target, items[i], scope);
                scope.Set("loop", loop);
                loop.Index0 = i;
                Scope = scope;
                var flow = RenderBody(node.Body);
                if (flow == Flow.Break)
                {
                    break;
                }

                completed |= flow == Flow.Normal;
            }
        }
        catch (PyException ex)
        {
            throw Locate(ex, node);
        }
        finally
        {
            Scope = outer;
        }

        if (!completed && node.Else.Length > 0)
        {
            Scope = new Scope(outer);
            try
            {
                RenderBody(node.Else);
            }
            finally
            {
                Scope = outer;
            }
        }
    }

    public Flow VisitMacroStmt(MacroStmt node)
    {
        Scope.Set(node.Definition.Name, new Macro(node.Definition, Scope));
        return Flow.Normal;
    }

    public Flow VisitCallBlockStmt(CallBlockStmt node)
    {
        var caller = new Macro(node.Caller, Scope);
        var call = node.Call;
        var result = EvalCall(call, caller);
        if (result is not Undefined)
        {
            Write(PyFormat.ToStr(result));
        }

        return Flow.Normal;
    }

    public Flow VisitFilterBlockStmt(FilterBlockStmt node)
    {
        var text = Capture(node.Body, new Scope(Scope));
        Write(PyFormat.ToStr(ApplyFilterChain(node.Filter, text)));
        return Flow.Normal;
    }

    private object? ApplyFilterChain(FilterExpr filter, object? input)
    {
        var value = filter.Target is FilterExpr inner ? ApplyFilterChain(inner, input) : input;
        try
        {
            return ApplyFilter(filter, value);
        }
        catch (PyException ex)
        {
            throw Locate(ex, filter);
        }
    }

    public Flow VisitWithStmt(WithStmt node)
    {
        var values = new object?[node.Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Eval(node.Values[i]);
        }

        var scope = new Scope(Scope);
        for (var i = 0; i < values.Length; i++)
        {
            Assign(node.Targets[i], values[i], scope);
        }

        var outer = Scope;
        Scope = scope;
        try
        {
            return RenderBody(node.Body);
        }
        finally
        {
            Scope = outer;
        }
    }

    public Flow VisitSetStmt(SetStmt node)
    {
        Assign(node.Target, Eval(node.Value), Scope);
        return Flow.Normal;
    }

    public Flow VisitSetBlockStmt(SetBlockStmt node)
    {
        object? value = Capture(node.Body, new Scope(Scope));
        if (node.Filter is not null)
        {
            value = ApplyFilterChain(node.Filter, value);
        }

        Assign(node.Target, value, Scope);
        return Flow.Normal;
    }

    public Flow VisitDoStmt(DoStmt node)
    {
        Eval(node.Value);
        return Flow.Normal;
    }

    public Flow VisitBreakStmt(BreakStmt node) => Flow.Break;

    public Flow VisitContinueStmt(ContinueStmt node) => Flow.Continue;

    public Flow VisitBlockStmt(BlockStmt node)
    {
        var outer = Scope;
        Scope = new Scope(outer);
        try
        {
            RenderBody(node.Body);
        }
        finally
        {
            Scope = outer;
        }

        return Flow.Normal;
    }

    // Macros

    private void EnterCall(Node node)
    {
        if (++_depth > Options.MaxRecursionDepth)
        {
            _depth--;
            throw new TemplateLimitException($"The template exceeded the limit of {Options.MaxRecursionDepth} nested macro calls.", TemplateName, node.Line, node.Column);
        }

        try
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
        }
        catch (InsufficientExecutionStackException)
        {
            _depth--;
            throw new TemplateLimitException("The template recursed too deeply for the available stack.", TemplateName, node.Line, node.Column);
        }
    }

    public object? InvokeMacro(Macro macro, Arguments arguments)
    {
        var def = macro.Definition;
        var scope = new Scope(macro.Closure);
        var positional = arguments.Positional;
        var keyword = arguments.Keyword is null ? null : new Dictionary<string, object?>(arguments.Keyword, StringComparer.Ordinal);

        // Binding follows Jinja's Macro.__call__: positional first, then keywords for the remaining
        // parameters; keywords naming an already bound parameter stay extra keywords.
        var values = new object?[def.Parameters.Length];
        var bound = new bool[def.Parameters.Length];
        for (var i = 0; i < def.Parameters.Length; i++)
        {
            if (i < positional.Count)
            {
                values[i] = positional[i];
                bound[i] = true;
            }
            else if (keyword is not null && keyword.Remove(def.Parameters[i], out var kv))
            {
                values[i] = kv;
                bound[i] = true;
            }
        }

        object? caller = null;
        if (def.UsesCaller && (keyword is null || !keyword.Remove("caller", out caller)))
        {
            caller = new Undefined("caller", "No caller defined");
        }

        var displayName = def.Name.Length == 0 ? "caller" : def.Name;
        if (!def.CatchKwargs && keyword is { Count: > 0 })
        {
            if (keyword.ContainsKey("caller"))
            {
                throw PyException.Type($"macro '{displayName}' was invoked with two values for the special caller argument. This is most likely a bug.");
            }

            throw PyException.Type($"macro '{displayName}' takes no keyword argument '{keyword.Keys.First()}'");
        }

        if (!def.CatchVarargs && positional.Count > def.Parameters.Length)
        {
            throw PyException.Type($"macro '{displayName}' takes not more than {def.Parameters.Length} argument(s)");
        }

        var savedScope = Scope;
        var savedOutput = _output;
        var savedName = TemplateName;
        EnterCall(def.Body.Length > 0 ? def.Body[0] : new TextStmt(string.Empty, def.Line, def.Column));
        Scope = scope;
        TemplateName = def.TemplateName;
        _output = new StringBuilder();
        _macroDepth++;
        try
        {
            // Every parameter exists before defaults run, so a default may read any passed argument.
            for (var i = 0; i < def.Parameters.Length; i++)
            {
                var name = def.Parameters[i];
                scope.Set(name, bound[i] ? values[i] : new Undefined(name, $"parameter '{name}' was not provided"));
            }

            for (var i = 0; i < def.Parameters.Length; i++)
            {
                if (!bound[i] && def.Defaults[i] is { } dflt)
                {
                    scope.Set(def.Parameters[i], Eval(dflt));
                }
            }

            if (def.UsesCaller)
            {
                scope.Set("caller", caller);
            }

            if (def.CatchVarargs)
            {
                scope.Set("varargs", new PyTuple(positional.Count > def.Parameters.Length ? [.. positional.Skip(def.Parameters.Length)] : []));
            }

            if (def.CatchKwargs)
            {
                var kwargs = new PyDict();
                if (keyword is not null)
                {
                    foreach (var kv in keyword)
                    {
                        kwargs[kv.Key] = kv.Value;
                    }
                }

                scope.Set("kwargs", kwargs);
            }

            try
            {
                RenderBody(def.Body);
            }
            catch (MacroReturn r)
            {
                return r.Value;
            }

            return _output.ToString();
        }
        finally
        {
            Scope = savedScope;
            _output = savedOutput;
            TemplateName = savedName;
            _macroDepth--;
            _depth--;
        }
    }

    // Expressions

    public object? VisitConstExpr(ConstExpr node) => node.Value;

    public object? VisitNameExpr(NameExpr node) => Lookup(node.Name);

    public object? VisitListExpr(ListExpr node)
    {
        var list = new List<object?>(node.Items.Length);
        foreach (var item in node.Items)
        {
            list.Add(Eval(item));
        }

        return list;
    }

    public object? VisitTupleExpr(TupleExpr node)
    {
        if (node.Items.Length == 0)
        {
            return PyTuple.Empty;
        }

        var items = new object?[node.Items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Eval(node.Items[i]);
        }

        return new PyTuple(items);
    }

    public object? VisitDictExpr(DictExpr node)
    {
        var dict = new PyDict(node.Keys.Length);
        for (var i = 0; i < node.Keys.Length; i++)
        {
            dict[Eval(node.Keys[i])] = Eval(node.Values[i]);
        }

        return dict;
    }

    public object? VisitGetattrExpr(GetattrExpr node) => GetAttr(Eval(node.Target), node.Name);

    public object? VisitGetitemExpr(GetitemExpr node)
    {
        var target = Eval(node.Target);
        if (node.Index is SliceExpr slice)
        {
            return PyOps.Slice(
                target,
                slice.Start is null ? null : Eval(slice.Start),
                slice.Stop is null ? null : Eval(slice.Stop),
                slice.Step is null ? null : Eval(slice.Step));
        }

        return GetItem(target, Eval(node.Index));
    }

    public object? VisitSliceExpr(SliceExpr node) => throw PyException.Type("a slice is only valid inside a subscript");

    public object? VisitUnaryExpr(UnaryExpr node)
    {
        var value = Eval(node.Operand);
        return node.Operator switch
        {
            UnaryOperator.Not => !PyOps.Truthy(value),
            UnaryOperator.Neg => PyOps.Negate(value),
            _ => PyOps.Plus(value),
        };
    }

    public object? VisitBinaryExpr(BinaryExpr node)
    {
        var left = Eval(node.Left);
        switch (node.Operator)
        {
            case BinaryOperator.And:
                return PyOps.Truthy(left) ? Eval(node.Right) : left;
            case BinaryOperator.Or:
                return PyOps.Truthy(left) ? left : Eval(node.Right);
            default:
                break;
        }

        var right = Eval(node.Right);
        return node.Operator switch
        {
            BinaryOperator.Add => PyOps.Add(left, right),
            BinaryOperator.Sub => PyOps.Sub(left, right),
            BinaryOperator.Mul => PyOps.Mul(left, right),
            BinaryOperator.Div => PyOps.Div(left, right),
            BinaryOperator.FloorDiv => PyOps.FloorDiv(left, right),
            BinaryOperator.Mod => PyOps.Mod(left, right),
            _ => PyOps.Pow(left, right),
        };
    }

    public object? VisitConcatExpr(ConcatExpr node)
    {
        var sb = new StringBuilder();
        foreach (var item in node.Items)
        {
            var value = Eval(item);
            sb.Append(value as string ?? PyFormat.ToStr(value));
            if (sb.Length > Options.MaxOutputLength)
            {
                throw new PyException("LimitError", $"A string exceeds the limit of {Options.MaxOutputLength} characters.");
            }
        }

        return sb.ToString();
    }

    public object? VisitCompareExpr(CompareExpr node)
    {
        var left = Eval(node.First);
        for (var i = 0; i < node.Operators.Length; i++)
        {
            var right = Eval(node.Operands[i]);
            var ok = node.Operators[i] switch
            {
                CompareOperator.Eq => PyOps.Equal(left, right),
                CompareOperator.Ne => !PyOps.Equal(left, right),
                CompareOperator.Lt => PyOps.Compare(left, right, "<") < 0,
                CompareOperator.Le => PyOps.Compare(left, right, "<=") <= 0,
                CompareOperator.Gt => PyOps.Compare(left, right, ">") > 0,
                CompareOperator.Ge => PyOps.Compare(left, right, ">=") >= 0,
                CompareOperator.In => PyOps.Contains(right, left),
                _ => !PyOps.Contains(right, left),
            };
            if (!ok)
            {
                return false;
            }

            left = right;
        }

        return true;
    }

    public object? VisitCondExpr(CondExpr node)
    {
        if (PyOps.Truthy(Eval(node.Test)))
        {
            return Eval(node.Then);
        }

        return node.Else is null ? new Undefined(null, "the inline if-expression evaluated to false and no else section was defined.") : Eval(node.Else);
    }

    public object? VisitCallExpr(CallExpr node) => EvalCall(node, null);

    private object? EvalCall(CallExpr node, Macro? caller)
    {
        var arguments = EvalArguments(node.Arguments);
        if (caller is not null)
        {
            var keyword = arguments.Keyword ?? new Dictionary<string, object?>(StringComparer.Ordinal);
            keyword["caller"] = caller;
            arguments = new Arguments(arguments.Positional, keyword);
        }

        if (node.Callee is GetattrExpr attr)
        {
            var target = Eval(attr.Target);
            if (target is not null && BuiltinMethods.TryCall(this, target, attr.Name, arguments, out var result))
            {
                return result;
            }

            return Invoke(GetAttr(target, attr.Name), arguments, node, attr.Name);
        }

        return Invoke(Eval(node.Callee), arguments, node, node.Callee is NameExpr n ? n.Name : null);
    }

    public Arguments EvalArguments(CallArguments args)
    {
        if (args.Positional.Length == 0 && args.Keyword.Length == 0 && args.DynamicPositional is null && args.DynamicKeyword is null)
        {
            return Arguments.Empty;
        }

        var positional = new List<object?>(args.Positional.Length);
        foreach (var p in args.Positional)
        {
            positional.Add(Eval(p));
        }

        if (args.DynamicPositional is not null)
        {
            positional.AddRange(PyOps.Iterate(Eval(args.DynamicPositional)));
        }

        Dictionary<string, object?>? keyword = null;
        if (args.Keyword.Length > 0 || args.DynamicKeyword is not null)
        {
            keyword = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var kv in args.Keyword)
            {
                keyword[kv.Key] = Eval(kv.Value);
            }

            if (args.DynamicKeyword is not null)
            {
                var mapping = Eval(args.DynamicKeyword);
                if (!PyOps.IsMapping(mapping))
                {
                    throw PyException.Type($"argument after ** must be a mapping, not {PyOps.TypeName(mapping)}");
                }

                foreach (var kv in PyOps.MappingItems(mapping!))
                {
                    keyword[kv.Key as string ?? throw PyException.Type("keywords must be strings")] = kv.Value;
                }
            }
        }

        return new Arguments(positional, keyword);
    }

    public object? Invoke(object? callee, Arguments arguments, Node? site = null, string? name = null)
    {
        switch (callee)
        {
            case Macro m:
                return m.Call(this, arguments);
            case ICallable c:
                try
                {
                    return c.Call(this, arguments);
                }
                catch (Exception ex) when (ex is not (PyException or MacroReturn or TemplateException { Line: > 0 }) && site is not null)
                {
                    throw Locate(ex, site, $"Call to {(c is DelegateFunction && name is not null ? $"'{name}'" : DescribeCallable(c))}");
                }

            case TemplateFunction f:
                return Invoke(new HostFunction(name ?? "function", f), arguments, site);
            case Delegate d:
                return Invoke(DelegateFunction.Create(d), arguments, site, name);
            case Undefined u:
                throw PyException.Undefined(u);
            default:
                throw PyException.Type($"'{PyOps.TypeName(callee)}' object is not callable");
        }
    }

    private static string DescribeCallable(ICallable c) => c switch
    {
        HostFunction h => $"'{h.Name}'",
        BuiltinFunction b => $"'{b.Name}'",
        BoundMethod m => $"'{m.Name}'",
        _ => "function",
    };

    public object? VisitFilterExpr(FilterExpr node)
    {
        var value = node.Target is null ? new Undefined(null) : Eval(node.Target);
        return ApplyFilter(node, value);
    }

    private object? ApplyFilter(FilterExpr node, object? value)
    {
        var arguments = EvalArguments(node.Arguments);
        return CallFilter(node.Name, value, arguments, node);
    }

    public object? CallFilter(string name, object? value, Arguments arguments, Node? site = null)
    {
        if (Environment.TryGetFilter(name, out var custom))
        {
            var positional = new List<object?>(arguments.Count + 1) { value };
            positional.AddRange(arguments.Positional);
            return Invoke(custom, new Arguments(positional, arguments.Keyword), site);
        }

        if (!FilterRegistry.TryGet(name, out var filter))
        {
            throw new PyException("TemplateAssertionError", $"No filter named '{name}'.");
        }

        return filter(this, value, arguments);
    }

    public object? VisitTestExpr(TestExpr node)
    {
        var value = Eval(node.Target);
        var arguments = EvalArguments(node.Arguments);
        return CallTest(node.Name, value, arguments, node);
    }

    public bool CallTest(string name, object? value, Arguments arguments, Node? site = null)
    {
        if (Environment.TryGetTest(name, out var custom))
        {
            var positional = new List<object?>(arguments.Count + 1) { value };
            positional.AddRange(arguments.Positional);
            return PyOps.Truthy(Invoke(custom, new Arguments(positional, arguments.Keyword), site));
        }

        if (!TestRegistry.TryGet(name, out var test))
        {
            throw new PyException("TemplateAssertionError", $"No test named '{name}'.");
        }

        return test(this, value, arguments);
    }

    public object? VisitNamespaceRefExpr(NamespaceRefExpr node) =>
        GetAttr(Lookup(node.Name), node.Attribute);
}
