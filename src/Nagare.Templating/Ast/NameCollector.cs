namespace Nagare.Templating.Ast;

/// <summary>
/// Collects every variable name read in a tree, so a macro knows whether it uses
/// <c>varargs</c>, <c>kwargs</c> or <c>caller</c> (Jinja decides its signature the same way).
/// </summary>
internal sealed class NameCollector : IExpressionVisitor<bool>, IStatementVisitor
{
    private readonly HashSet<string> _names;

    private NameCollector(HashSet<string> names) => _names = names;

    public static void Collect(Stmt[] body, HashSet<string> names)
    {
        var collector = new NameCollector(names);
        collector.Walk(body);
    }

    public static void Collect(Expr expr, HashSet<string> names) => expr.Accept(new NameCollector(names));

    private void Walk(Stmt[] body)
    {
        foreach (var s in body)
        {
            s.Accept(this);
        }
    }

    private void Walk(Expr? e) => e?.Accept(this);

    private void Walk(IEnumerable<Expr?> items)
    {
        foreach (var e in items)
        {
            Walk(e);
        }
    }

    private void Walk(CallArguments args)
    {
        Walk(args.Positional);
        foreach (var kv in args.Keyword)
        {
            Walk(kv.Value);
        }

        Walk(args.DynamicPositional);
        Walk(args.DynamicKeyword);
    }

    private void Walk(MacroDefinition d)
    {
        Walk(d.Defaults);
        Walk(d.Body);
    }

    public bool VisitConstExpr(ConstExpr node) => true;

    public bool VisitNameExpr(NameExpr node) => _names.Add(node.Name);

    public bool VisitListExpr(ListExpr node)
    {
        Walk(node.Items);
        return true;
    }

    public bool VisitTupleExpr(TupleExpr node)
    {
        Walk(node.Items);
        return true;
    }

    public bool VisitDictExpr(DictExpr node)
    {
        Walk(node.Keys);
        Walk(node.Values);
        return true;
    }

    public bool VisitGetattrExpr(GetattrExpr node)
    {
        Walk(node.Target);
        return true;
    }

    public bool VisitGetitemExpr(GetitemExpr node)
    {
        Walk(node.Target);
        Walk(node.Index);
        return true;
    }

    public bool VisitSliceExpr(SliceExpr node)
    {
        Walk(node.Start);
        Walk(node.Stop);
        Walk(node.Step);
        return true;
    }

    public bool VisitUnaryExpr(UnaryExpr node)
    {
        Walk(node.Operand);
        return true;
    }

    public bool VisitBinaryExpr(BinaryExpr node)
    {
        Walk(node.Left);
        Walk(node.Right);
        return true;
    }

    public bool VisitConcatExpr(ConcatExpr node)
    {
        Walk(node.Items);
        return true;
    }

    public bool VisitCompareExpr(CompareExpr node)
    {
        Walk(node.First);
        Walk(node.Operands);
        return true;
    }

    public bool VisitCondExpr(CondExpr node)
    {
        Walk(node.Test);
        Walk(node.Then);
        Walk(node.Else);
        return true;
    }

    public bool VisitCallExpr(CallExpr node)
    {
        Walk(node.Callee);
        Walk(node.Arguments);
        return true;
    }

    public bool VisitFilterExpr(FilterExpr node)
    {
        Walk(node.Target);
        Walk(node.Arguments);
        return true;
    }

    public bool VisitTestExpr(TestExpr node)
    {
        Walk(node.Target);
        Walk(node.Arguments);
        return true;
    }

    public bool VisitNamespaceRefExpr(NamespaceRefExpr node) => true;

    public Flow VisitTextStmt(TextStmt node) => Flow.Normal;

    public Flow VisitOutputStmt(OutputStmt node)
    {
        Walk(node.Value);
        return Flow.Normal;
    }

    public Flow VisitIfStmt(IfStmt node)
    {
        Walk(node.Tests);
        foreach (var body in node.Bodies)
        {
            Walk(body);
        }

        Walk(node.Else);
        return Flow.Normal;
    }

    public Flow VisitForStmt(ForStmt node)
    {
        Walk(node.Iterable);
        Walk(node.Filter);
        Walk(node.Body);
        Walk(node.Else);
        return Flow.Normal;
    }

    public Flow VisitMacroStmt(MacroStmt node)
    {
        Walk(node.Definition);
        return Flow.Normal;
    }

    public Flow VisitCallBlockStmt(CallBlockStmt node)
    {
        Walk(node.Call);
        Walk(node.Caller);
        return Flow.Normal;
    }

    public Flow VisitFilterBlockStmt(FilterBlockStmt node)
    {
        Walk(node.Filter);
        Walk(node.Body);
        return Flow.Normal;
    }

    public Flow VisitWithStmt(WithStmt node)
    {
        Walk(node.Values);
        Walk(node.Body);
        return Flow.Normal;
    }

    public Flow VisitSetStmt(SetStmt node)
    {
        Walk(node.Value);
        return Flow.Normal;
    }

    public Flow VisitSetBlockStmt(SetBlockStmt node)
    {
        Walk(node.Filter);
        Walk(node.Body);
        return Flow.Normal;
    }

    public Flow VisitDoStmt(DoStmt node)
    {
        Walk(node.Value);
        return Flow.Normal;
    }

    public Flow VisitBreakStmt(BreakStmt node) => Flow.Normal;

    public Flow VisitContinueStmt(ContinueStmt node) => Flow.Normal;

    public Flow VisitBlockStmt(BlockStmt node)
    {
        Walk(node.Body);
        return Flow.Normal;
    }
}
