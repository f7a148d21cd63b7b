using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>
/// dbt's <c>adapter.dispatch(name, macro_namespace)</c>: the implementation of a macro for DuckDB. The packages
/// searched are the project's <c>dispatch:</c> <c>search_order</c> for that namespace, else the root project then
/// the namespace itself (without a namespace: the root project, then the built-in <c>dbt</c> macros). In each
/// package <c>duckdb__name</c> is tried before <c>default__name</c>.
/// </summary>
internal sealed class MacroDispatcher
{
    /// <summary>Adapter prefixes in the order dbt-duckdb tries them.</summary>
    private static readonly string[] Prefixes = ["duckdb", "default"];

    private readonly string _root;
    private readonly IReadOnlyDictionary<string, MacroNamespace> _namespaces;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _orders;

    public MacroDispatcher(string root, IReadOnlyDictionary<string, MacroNamespace> namespaces, IReadOnlyDictionary<string, IReadOnlyList<string>> orders)
    {
        _root = root;
        _namespaces = namespaces;
        _orders = orders;
    }

    /// <summary>The template function behind <c>adapter.dispatch</c>.</summary>
    public object? Dispatch(TemplateArguments a)
    {
        var name = TemplateArguments.ToText(a.Get(0, "macro_name"));
        var ns = a.Get(1, "macro_namespace") is { } n && !TemplateArguments.IsUndefined(n) ? TemplateArguments.ToText(n) : null;
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new ModelProjectException($"{a.TemplateName}: adapter.dispatch('{name}'): the macro name must not contain a dot; pass the package as macro_namespace");
        }

        var order = SearchOrder(ns);
        var searched = new List<string>();
        foreach (var package in order)
        {
            foreach (var prefix in Prefixes)
            {
                var candidate = $"{prefix}__{name}";
                searched.Add($"{package}.{candidate}");
                if (_namespaces.TryGetValue(package, out var space) && space.TryGet(candidate, out var macro))
                {
                    return macro;
                }
            }
        }

        throw new ModelProjectException(
            $"{a.TemplateName}: adapter.dispatch: no macro named '{name}' for duckdb in namespace '{ns ?? _root}'. Searched for: {string.Join(", ", searched.Select(s => $"'{s}'"))}");
    }

    /// <summary>The packages searched for <paramref name="ns"/>, in order.</summary>
    public IReadOnlyList<string> SearchOrder(string? ns)
    {
        if (ns is not null && _orders.TryGetValue(ns, out var configured))
        {
            return configured;
        }

        var order = new List<string> { _root };
        var last = ns ?? "dbt";
        if (last != _root)
        {
            order.Add(last);
        }

        return order;
    }
}
