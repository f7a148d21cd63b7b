using System.Buffers;
using System.Text;

namespace Nagare.Templating.Values;

/// <summary>
/// Python's <c>str</c> counts, indexes and iterates by code point while .NET strings hold UTF-16 units, so an
/// emoji or a rare CJK character is one character in a template but two units here. A string without
/// surrogates (nearly every one) takes the direct path with no allocation; only a string holding a surrogate
/// pair pays for mapping indexes. A lone surrogate counts as one character, as in Python.
/// </summary>
internal static class CodePoints
{
    // SearchValues rather than IndexOfAnyInRange: on this runtime the range search allocated on every call,
    // which the ASCII path must not (CodePointsTests measures it).
    private static readonly SearchValues<char> Surrogates = SearchValues.Create(
        string.Create(0xE000 - 0xD800, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(0xD800 + i);
            }
        }));

    public static bool HasSurrogates(string s) => HasSurrogates(s.AsSpan());

    public static bool HasSurrogates(ReadOnlySpan<char> s) => s.IndexOfAny(Surrogates) >= 0;

    /// <summary>The number of code points, Python's <c>len(s)</c>.</summary>
    public static int Length(string s)
    {
        if (!HasSurrogates(s))
        {
            return s.Length;
        }

        var length = 0;
        for (var i = 0; i < s.Length; i += UnitsAt(s, i))
        {
            length++;
        }

        return length;
    }

    /// <summary>The UTF-16 index where code point <paramref name="index"/> starts (the string's length past the end).</summary>
    public static int ToUtf16(string s, int index)
    {
        if (!HasSurrogates(s))
        {
            return Math.Min(index, s.Length);
        }

        var i = 0;
        for (var n = 0; n < index && i < s.Length; n++)
        {
            i += UnitsAt(s, i);
        }

        return i;
    }

    /// <summary>The code point index of UTF-16 index <paramref name="utf16Index"/> (the number of code points before it).</summary>
    public static int FromUtf16(string s, int utf16Index)
    {
        if (utf16Index <= 0 || !HasSurrogates(s.AsSpan(0, utf16Index)))
        {
            return utf16Index;
        }

        var n = 0;
        for (var i = 0; i < utf16Index; i += UnitsAt(s, i))
        {
            n++;
        }

        return n;
    }

    /// <summary>Code points <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), clamped to the string.</summary>
    public static string Substring(string s, int from, int to)
    {
        if (!HasSurrogates(s))
        {
            from = Math.Clamp(from, 0, s.Length);
            to = Math.Clamp(to, from, s.Length);
            return s[from..to];
        }

        var start = ToUtf16(s, Math.Max(0, from));
        var end = ToUtf16(s, Math.Max(from, to));
        return s[start..end];
    }

    /// <summary>The code point at <paramref name="index"/> (in range) as a string of one or two units.</summary>
    public static string At(string s, int index)
    {
        if (!HasSurrogates(s))
        {
            return s[index].ToString();
        }

        var i = ToUtf16(s, index);
        return s.Substring(i, UnitsAt(s, i));
    }

    public static IEnumerable<string> Enumerate(string s)
    {
        for (var i = 0; i < s.Length;)
        {
            var units = UnitsAt(s, i);
            yield return units == 1 ? s[i].ToString() : s.Substring(i, units);
            i += units;
        }
    }

    /// <summary>The UTF-16 start of every code point followed by the string's length; for stepped slices.</summary>
    public static int[] Offsets(string s)
    {
        var offsets = new List<int>(s.Length + 1);
        for (var i = 0; i < s.Length; i += UnitsAt(s, i))
        {
            offsets.Add(i);
        }

        offsets.Add(s.Length);
        return [.. offsets];
    }

    /// <summary>Reverses by code point, so a surrogate pair keeps its order.</summary>
    public static string Reverse(string s)
    {
        var chars = s.ToCharArray();
        Array.Reverse(chars);
        if (HasSurrogates(s))
        {
            for (var i = 0; i + 1 < chars.Length; i++)
            {
                if (char.IsLowSurrogate(chars[i]) && char.IsHighSurrogate(chars[i + 1]))
                {
                    (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
                    i++;
                }
            }
        }

        return new string(chars);
    }

    /// <summary>
    /// Orders by code point as Python does. Ordinal UTF-16 order differs only when a surrogate meets a unit
    /// from U+E000 to U+FFFF at the first difference, so only that case is decided apart.
    /// </summary>
    public static int Compare(string a, string b)
    {
        var common = a.AsSpan().CommonPrefixLength(b);
        if (common == a.Length || common == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        var x = a[common];
        var y = b[common];
        if (char.IsSurrogate(x) != char.IsSurrogate(y) && Math.Max(x, y) >= '\uE000')
        {
            return char.IsSurrogate(x) ? 1 : -1;
        }

        return x.CompareTo(y);
    }

    /// <summary>Whether <paramref name="text"/> is exactly one code point.</summary>
    public static bool IsOne(string text) => text.Length == 1 || (text.Length == 2 && char.IsSurrogatePair(text[0], text[1]));

    /// <summary>Appends <paramref name="unit"/> <paramref name="count"/> times; a fill character may be a surrogate pair.</summary>
    public static StringBuilder AppendRepeated(StringBuilder sb, string unit, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sb.Append(unit);
        }

        return sb;
    }

    private static int UnitsAt(string s, int i) =>
        i + 1 < s.Length && char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
}
