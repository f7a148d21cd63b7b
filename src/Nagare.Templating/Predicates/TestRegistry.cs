using System.Collections.Frozen;

namespace Nagare.Templating.Predicates;

/// <summary>Jinja's built-in tests by name.</summary>
internal static class TestRegistry
{
    private static readonly FrozenDictionary<string, TestFunction> Tests = new Dictionary<string, TestFunction>
    {
        ["defined"] = TypeTests.Defined,
        ["undefined"] = TypeTests.IsUndefined,
        ["none"] = TypeTests.None,
        ["boolean"] = TypeTests.Boolean,
        ["false"] = TypeTests.False,
        ["true"] = TypeTests.True,
        ["integer"] = TypeTests.Integer,
        ["float"] = TypeTests.Float,
        ["number"] = TypeTests.Number,
        ["string"] = TypeTests.String,
        ["mapping"] = TypeTests.Mapping,
        ["iterable"] = TypeTests.Iterable,
        ["sequence"] = TypeTests.Sequence,
        ["callable"] = TypeTests.Callable,
        ["lower"] = TypeTests.Lower,
        ["upper"] = TypeTests.Upper,
        ["escaped"] = TypeTests.Escaped,
        ["filter"] = TypeTests.Filter,
        ["test"] = TypeTests.Test,
        ["odd"] = ComparisonTests.Odd,
        ["even"] = ComparisonTests.Even,
        ["divisibleby"] = ComparisonTests.DivisibleBy,
        ["eq"] = ComparisonTests.Eq,
        ["equalto"] = ComparisonTests.Eq,
        ["=="] = ComparisonTests.Eq,
        ["ne"] = ComparisonTests.Ne,
        ["!="] = ComparisonTests.Ne,
        ["lt"] = ComparisonTests.Lt,
        ["lessthan"] = ComparisonTests.Lt,
        ["<"] = ComparisonTests.Lt,
        ["le"] = ComparisonTests.Le,
        ["<="] = ComparisonTests.Le,
        ["gt"] = ComparisonTests.Gt,
        ["greaterthan"] = ComparisonTests.Gt,
        [">"] = ComparisonTests.Gt,
        ["ge"] = ComparisonTests.Ge,
        [">="] = ComparisonTests.Ge,
        ["in"] = ComparisonTests.In,
        ["sameas"] = ComparisonTests.SameAs,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out TestFunction test) => Tests.TryGetValue(name, out test!);
}
