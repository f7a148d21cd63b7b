using System.Collections;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Predicates;

/// <summary>Tests about what kind of value something is.</summary>
internal static class TypeTests
{
    public static bool Defined(Renderer r, object? value, Arguments args) => value is not Undefined;

    public static bool IsUndefined(Renderer r, object? value, Arguments args) => value is Undefined;

    public static bool None(Renderer r, object? value, Arguments args) => value is null;

    public static bool Boolean(Renderer r, object? value, Arguments args) => value is bool;

    public static bool False(Renderer r, object? value, Arguments args) => value is false;

    public static bool True(Renderer r, object? value, Arguments args) => value is true;

    public static bool Integer(Renderer r, object? value, Arguments args) => Numbers.IsInt(value) && value is not bool;

    public static bool Float(Renderer r, object? value, Arguments args) => Numbers.IsFloat(value);

    public static bool Number(Renderer r, object? value, Arguments args) => Numbers.IsNumber(value);

    public static bool String(Renderer r, object? value, Arguments args) => value is string or char;

    public static bool Mapping(Renderer r, object? value, Arguments args) => PyOps.IsMapping(value);

    public static bool Iterable(Renderer r, object? value, Arguments args) =>
        value is Undefined or IEnumerable or PyDict;

    public static bool Sequence(Renderer r, object? value, Arguments args) =>
        value is Undefined || PyOps.IsSequence(value) || PyOps.IsMapping(value);

    // Jinja's undefined defines __call__, so Python's callable() is true for it.
    public static bool Callable(Renderer r, object? value, Arguments args) => value is ICallable or Delegate or Undefined;

    public static bool Lower(Renderer r, object? value, Arguments args)
    {
        var s = PyFormat.ToStr(value);
        return s.Any(char.IsLetter) && !s.Any(char.IsUpper);
    }

    public static bool Upper(Renderer r, object? value, Arguments args)
    {
        var s = PyFormat.ToStr(value);
        return s.Any(char.IsLetter) && !s.Any(char.IsLower);
    }

    public static bool Escaped(Renderer r, object? value, Arguments args) => false;

    public static bool Filter(Renderer r, object? value, Arguments args) =>
        value is string s && (Filters.FilterRegistry.Contains(s) || r.Environment.TryGetFilter(s, out _));

    public static bool Test(Renderer r, object? value, Arguments args) =>
        value is string s && (TestRegistry.TryGet(s, out _) || r.Environment.TryGetTest(s, out _));
}
