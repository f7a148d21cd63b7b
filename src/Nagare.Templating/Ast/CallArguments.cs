namespace Nagare.Templating.Ast;

/// <summary>The arguments written at a call site: positional, keyword, <c>*args</c> and <c>**kwargs</c>.</summary>
internal sealed class CallArguments
{
    public static readonly CallArguments Empty = new([], [], null, null);

    public CallArguments(Expr[] positional, KeyValuePair<string, Expr>[] keyword, Expr? dynamicPositional, Expr? dynamicKeyword)
    {
        Positional = positional;
        Keyword = keyword;
        DynamicPositional = dynamicPositional;
        DynamicKeyword = dynamicKeyword;
    }

    public Expr[] Positional { get; }

    public KeyValuePair<string, Expr>[] Keyword { get; }

    public Expr? DynamicPositional { get; }

    public Expr? DynamicKeyword { get; }
}
