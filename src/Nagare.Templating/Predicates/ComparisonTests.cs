using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Predicates;

/// <summary>Tests that compare a value with an argument.</summary>
internal static class ComparisonTests
{
    public static bool Odd(Renderer r, object? value, Arguments args) => PyOps.Equal(PyOps.Mod(value, 2L), 1L);

    public static bool Even(Renderer r, object? value, Arguments args) => PyOps.Equal(PyOps.Mod(value, 2L), 0L);

    public static bool DivisibleBy(Renderer r, object? value, Arguments args) =>
        PyOps.Equal(PyOps.Mod(value, args.Get(0, "num")), 0L);

    public static bool Eq(Renderer r, object? value, Arguments args) => PyOps.Equal(value, args.Get(0, "other"));

    public static bool Ne(Renderer r, object? value, Arguments args) => !PyOps.Equal(value, args.Get(0, "other"));

    public static bool Lt(Renderer r, object? value, Arguments args) => PyOps.Compare(value, args.Get(0, "other"), "<") < 0;

    public static bool Le(Renderer r, object? value, Arguments args) => PyOps.Compare(value, args.Get(0, "other"), "<=") <= 0;

    public static bool Gt(Renderer r, object? value, Arguments args) => PyOps.Compare(value, args.Get(0, "other"), ">") > 0;

    public static bool Ge(Renderer r, object? value, Arguments args) => PyOps.Compare(value, args.Get(0, "other"), ">=") >= 0;

    public static bool In(Renderer r, object? value, Arguments args) => PyOps.Contains(args.Get(0, "seq"), value);

    /// <summary>Identity as Python sees it for the values templates create: None, booleans, small ints and the same object.</summary>
    public static bool SameAs(Renderer r, object? value, Arguments args)
    {
        var other = args.Get(0, "other");
        if (ReferenceEquals(value, other))
        {
            return true;
        }

        return value switch
        {
            bool b => other is bool ob && b == ob,
            long l => other is long ol && l == ol && l is >= -5 and <= 256,
            _ => false,
        };
    }
}
