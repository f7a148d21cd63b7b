using System.Collections;
using System.Numerics;
using System.Text;

namespace Nagare.Templating.Values;

/// <summary>
/// Python semantics for the operations templates perform on values: truthiness, equality, ordering,
/// arithmetic, membership, length, iteration and subscripts.
/// </summary>
internal static class PyOps
{
    /// <summary>Guards string and list repetition; set per render from the output limit.</summary>
    [ThreadStatic]
    private static int t_maxLength;

    public static int MaxLength
    {
        get => t_maxLength == 0 ? int.MaxValue : t_maxLength;
        set => t_maxLength = value;
    }

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        bool => "bool",
        string or char => "str",
        double or float or decimal => "float",
        PyTuple => "tuple",
        PyRange => "range",
        PyDict => "dict",
        Undefined => "Undefined",
        Namespace => "Namespace",
        DictView d => "dict_" + d.Kind,
        _ when Numbers.IsInt(v) => "int",
        IList => "list",
        IDictionary or IReadOnlyDictionary<string, object?> or IDictionary<string, object?> => "dict",
        _ => v.GetType().Name,
    };

    public static bool IsMapping(object? v) =>
        v is PyDict or IDictionary or IReadOnlyDictionary<string, object?> or IDictionary<string, object?>;

    public static bool IsSequence(object? v) =>
        v is string or IList or PyTuple or PyRange or DictView or IReadOnlyList<object?>;

    public static bool TryMappingGet(object? mapping, object? key, out object? value)
    {
        switch (mapping)
        {
            case PyDict d:
                return d.TryGetValue(key, out value);
            case IDictionary d:
                if (key is not null && d.Contains(key))
                {
                    value = d[key];
                    return true;
                }

                if (key is long l && l is >= int.MinValue and <= int.MaxValue && d.Contains((int)l))
                {
                    value = d[(int)l];
                    return true;
                }

                break;
            case IReadOnlyDictionary<string, object?> r when key is string s:
                return r.TryGetValue(s, out value);
            case IDictionary<string, object?> g when key is string s:
                return g.TryGetValue(s, out value);
            default:
                break;
        }

        value = null;
        return false;
    }

    public static IEnumerable<KeyValuePair<object?, object?>> MappingItems(object mapping)
    {
        switch (mapping)
        {
            case PyDict d:
                foreach (var kv in d.Items)
                {
                    yield return kv;
                }

                break;
            case IDictionary d:
                foreach (DictionaryEntry e in d)
                {
                    yield return new KeyValuePair<object?, object?>(e.Key, e.Value);
                }

                break;
            case IReadOnlyDictionary<string, object?> r:
                foreach (var kv in r)
                {
                    yield return new KeyValuePair<object?, object?>(kv.Key, kv.Value);
                }

                break;
            case IDictionary<string, object?> g:
                foreach (var kv in g)
                {
                    yield return new KeyValuePair<object?, object?>(kv.Key, kv.Value);
                }

                break;
            default:
                break;
        }
    }

    public static bool Truthy(object? v)
    {
        switch (v)
        {
            case null:
                return false;
            case bool b:
                return b;
            case string s:
                return s.Length > 0;
            case long l:
                return l != 0;
            case Undefined:
                return false;
            case double d:
                return d != 0;
            case PyDict pd:
                return pd.Count > 0;
            case PyTuple t:
                return t.Count > 0;
            case PyRange r:
                return r.LongCount > 0;
            case ICollection c:
                return c.Count > 0;
            case IReadOnlyCollection<object?> rc:
                return rc.Count > 0;
            default:
                if (Numbers.IsInt(v))
                {
                    return !Numbers.ToBig(v).IsZero;
                }

                if (Numbers.IsFloat(v))
                {
                    return Numbers.ToDouble(v) != 0;
                }

                return true;
        }
    }

    [ThreadStatic]
    private static int t_compareDepth;

    // A list may contain itself; Python stops such comparisons with a RecursionError.
    private static void EnterComparison()
    {
        if (++t_compareDepth > 200)
        {
            t_compareDepth = 0;
            throw new PyException("RecursionError", "maximum recursion depth exceeded in comparison");
        }
    }

    public static bool Equal(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (a is string sa)
        {
            return b is string sb2 ? string.Equals(sa, sb2, StringComparison.Ordinal) : b is char cb && sa.Length == 1 && sa[0] == cb;
        }

        if (b is string)
        {
            return a is char && Equal(b, a);
        }

        if (a is long la && b is long lb)
        {
            return la == lb;
        }

        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                if (a is decimal ma && b is decimal mb)
                {
                    return ma == mb;
                }

                return Numbers.ToDouble(a) == Numbers.ToDouble(b);
            }

            return Numbers.ToBig(a) == Numbers.ToBig(b);
        }

        if (a is Undefined || b is Undefined)
        {
            return a is Undefined && b is Undefined;
        }

        if (a is PyTuple ta)
        {
            return b is PyTuple tb && SequenceEqual(ta, tb);
        }

        if (b is PyTuple)
        {
            return false;
        }

        if (a is PyRange ra)
        {
            return b is PyRange rb && ra.LongCount == rb.LongCount && (ra.LongCount == 0 || (ra.Start == rb.Start && (ra.LongCount == 1 || ra.Step == rb.Step)));
        }

        if (IsListLike(a) && IsListLike(b))
        {
            return SequenceEqual(AsEnumerable(a), AsEnumerable(b));
        }

        if (IsMapping(a) && IsMapping(b))
        {
            var itemsA = MappingItems(a).ToList();
            var countB = 0;
            foreach (var _ in MappingItems(b))
            {
                countB++;
            }

            if (itemsA.Count != countB)
            {
                return false;
            }

            EnterComparison();
            try
            {
                foreach (var kv in itemsA)
                {
                    if (!TryMappingGet(b, kv.Key, out var other) || !Equal(kv.Value, other))
                    {
                        return false;
                    }
                }
            }
            finally
            {
                t_compareDepth--;
            }

            return true;
        }

        return a.Equals(b);
    }

    private static bool IsListLike(object v) => v is IList or DictView && v is not PyTuple;

    private static IEnumerable<object?> AsEnumerable(object v) => v is IEnumerable<object?> e ? e : ((IEnumerable)v).Cast<object?>();

    private static bool SequenceEqual(IEnumerable<object?> a, IEnumerable<object?> b)
    {
        EnterComparison();
        try
        {
            return SequenceEqualCore(a, b);
        }
        finally
        {
            t_compareDepth--;
        }
    }

    private static bool SequenceEqualCore(IEnumerable<object?> a, IEnumerable<object?> b)
    {
        using var ea = a.GetEnumerator();
        using var eb = b.GetEnumerator();
        while (true)
        {
            var ha = ea.MoveNext();
            var hb = eb.MoveNext();
            if (ha != hb)
            {
                return false;
            }

            if (!ha)
            {
                return true;
            }

            if (!Equal(ea.Current, eb.Current))
            {
                return false;
            }
        }
    }

    /// <summary>Python ordering; raises TypeError for values Python cannot order.</summary>
    public static int Compare(object? a, object? b, string op = "<")
    {
        if (a is string sa && b is string sb)
        {
            return CodePoints.Compare(sa, sb);
        }

        if (a is long la && b is long lb)
        {
            return la.CompareTo(lb);
        }

        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                return Numbers.ToDouble(a).CompareTo(Numbers.ToDouble(b));
            }

            return Numbers.ToBig(a).CompareTo(Numbers.ToBig(b));
        }

        if ((a is PyTuple && b is PyTuple) || (a is not null && b is not null && IsListLike(a) && IsListLike(b)))
        {
            using var ea = AsEnumerable(a!).GetEnumerator();
            using var eb = AsEnumerable(b!).GetEnumerator();
            while (true)
            {
                var ha = ea.MoveNext();
                var hb = eb.MoveNext();
                if (!ha || !hb)
                {
                    return ha == hb ? 0 : ha ? 1 : -1;
                }

                if (!Equal(ea.Current, eb.Current))
                {
                    EnterComparison();
                    try
                    {
                        return Compare(ea.Current, eb.Current, op);
                    }
                    finally
                    {
                        t_compareDepth--;
                    }
                }
            }
        }

        if (a is Undefined u)
        {
            throw PyException.Undefined(u);
        }

        if (b is Undefined u2)
        {
            throw PyException.Undefined(u2);
        }

        throw PyException.Type($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static PyException Unsupported(string op, object? a, object? b)
    {
        if (a is Undefined ua)
        {
            return PyException.Undefined(ua);
        }

        if (b is Undefined ub)
        {
            return PyException.Undefined(ub);
        }

        return PyException.Type($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static string CheckLength(string s)
    {
        if (s.Length > MaxLength)
        {
            throw new PyException("LimitError", $"A string of {s.Length} characters exceeds the limit of {MaxLength} characters.");
        }

        return s;
    }

    public static object Add(object? a, object? b)
    {
        if (a is long la && b is long lb)
        {
            var r = unchecked(la + lb);
            return ((la ^ r) & (lb ^ r)) < 0 ? (object)((BigInteger)la + lb) : r;
        }

        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                return Numbers.ToDouble(a) + Numbers.ToDouble(b);
            }

            return Numbers.Normalize(Numbers.ToBig(a) + Numbers.ToBig(b));
        }

        switch (a)
        {
            case string sa when b is string sb:
                if ((long)sa.Length + sb.Length > MaxLength)
                {
                    throw new PyException("LimitError", $"A string of {(long)sa.Length + sb.Length} characters exceeds the limit of {MaxLength} characters.");
                }

                return sa + sb;
            case PyTuple ta when b is PyTuple tb:
                return new PyTuple([.. ta.Items, .. tb.Items]);
            case IList when b is IList && a is not PyTuple && b is not PyTuple:
                var list = new List<object?>(AsEnumerable(a));
                list.AddRange(AsEnumerable(b));
                return list;
            default:
                throw Unsupported("+", a, b);
        }
    }

    public static object Sub(object? a, object? b)
    {
        if (a is long la && b is long lb)
        {
            var r = unchecked(la - lb);
            return ((la ^ lb) & (la ^ r)) < 0 ? (object)((BigInteger)la - lb) : r;
        }

        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                return Numbers.ToDouble(a) - Numbers.ToDouble(b);
            }

            return Numbers.Normalize(Numbers.ToBig(a) - Numbers.ToBig(b));
        }

        throw Unsupported("-", a, b);
    }

    public static object Mul(object? a, object? b)
    {
        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                return Numbers.ToDouble(a) * Numbers.ToDouble(b);
            }

            if (a is long la && b is long lb)
            {
                var r = unchecked(la * lb);
                if (Math.BigMul(la, lb, out var low) == (r < 0 ? -1 : 0) && low == r)
                {
                    return r;
                }
            }

            return Numbers.Normalize(Numbers.ToBig(a) * Numbers.ToBig(b));
        }

        if (Numbers.IsInt(a) && b is not null && !Numbers.IsNumber(b))
        {
            return Mul(b, a);
        }

        if (Numbers.IsInt(b))
        {
            var times = Numbers.ToBig(b);
            var n = times.Sign <= 0 ? 0 : times > int.MaxValue ? int.MaxValue : (int)times;
            switch (a)
            {
                case string s:
                    if ((long)s.Length * n > MaxLength)
                    {
                        throw new PyException("LimitError", $"Repeating a string {n} times exceeds the limit of {MaxLength} characters.");
                    }

                    var sb = new StringBuilder(s.Length * n);
                    for (var i = 0; i < n; i++)
                    {
                        sb.Append(s);
                    }

                    return sb.ToString();
                case PyTuple t:
                    return new PyTuple([.. Repeat(t.Items, n)]);
                case IList:
                    return Repeat(AsEnumerable(a).ToList(), n);
                default:
                    break;
            }
        }

        throw Unsupported("*", a, b);
    }

    private static List<object?> Repeat(IReadOnlyList<object?> items, int n)
    {
        if ((long)items.Count * n > MaxLength)
        {
            throw new PyException("LimitError", $"Repeating a list {n} times exceeds the limit of {MaxLength} items.");
        }

        var result = new List<object?>(items.Count * n);
        for (var i = 0; i < n; i++)
        {
            result.AddRange(items);
        }

        return result;
    }

    public static object Div(object? a, object? b)
    {
        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            var d = Numbers.ToDouble(b);
            if (d == 0)
            {
                throw new PyException("ZeroDivisionError", "division by zero");
            }

            return Numbers.ToDouble(a) / d;
        }

        throw Unsupported("/", a, b);
    }

    public static object FloorDiv(object? a, object? b)
    {
        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                var y = Numbers.ToDouble(b);
                if (y == 0)
                {
                    throw new PyException("ZeroDivisionError", "float floor division by zero");
                }

                var x = Numbers.ToDouble(a);
                var mod = x % y;
                var div = (x - mod) / y;
                if (mod != 0 && (y < 0) != (mod < 0))
                {
                    div -= 1.0;
                }

                if (div == 0)
                {
                    return Math.CopySign(0.0, x / y);
                }

                var floor = Math.Floor(div);
                if (div - floor > 0.5)
                {
                    floor += 1.0;
                }

                return floor;
            }

            var bb = Numbers.ToBig(b);
            if (bb.IsZero)
            {
                throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
            }

            var ba = Numbers.ToBig(a);
            var q = BigInteger.DivRem(ba, bb, out var rem);
            if (!rem.IsZero && (rem.Sign < 0) != (bb.Sign < 0))
            {
                q -= 1;
            }

            return Numbers.Normalize(q);
        }

        throw Unsupported("//", a, b);
    }

    public static object Mod(object? a, object? b)
    {
        if (a is string fmt)
        {
            return PyFormat.Printf(fmt, b);
        }

        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsFloat(a) || Numbers.IsFloat(b))
            {
                var y = Numbers.ToDouble(b);
                if (y == 0)
                {
                    throw new PyException("ZeroDivisionError", "float modulo");
                }

                var x = Numbers.ToDouble(a);
                var m = x % y;
                if (m != 0)
                {
                    if ((y < 0) != (m < 0))
                    {
                        m += y;
                    }
                }
                else
                {
                    m = Math.CopySign(0.0, y);
                }

                return m;
            }

            var bb = Numbers.ToBig(b);
            if (bb.IsZero)
            {
                throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
            }

            var r = BigInteger.Remainder(Numbers.ToBig(a), bb);
            if (!r.IsZero && (r.Sign < 0) != (bb.Sign < 0))
            {
                r += bb;
            }

            return Numbers.Normalize(r);
        }

        throw Unsupported("%", a, b);
    }

    public static object Pow(object? a, object? b)
    {
        if (Numbers.IsNumber(a) && Numbers.IsNumber(b))
        {
            if (Numbers.IsInt(a) && Numbers.IsInt(b))
            {
                var exp = Numbers.ToBig(b);
                var bas = Numbers.ToBig(a);
                if (exp.Sign >= 0)
                {
                    if (bas.IsZero || bas.IsOne || exp.IsZero)
                    {
                        return exp.IsZero ? 1L : Numbers.Normalize(bas);
                    }

                    if (bas == BigInteger.MinusOne)
                    {
                        return exp.IsEven ? 1L : -1L;
                    }

                    var bits = (double)exp * BigInteger.Abs(bas).GetBitLength();
                    if (bits > 1_000_000)
                    {
                        throw new PyException("LimitError", "The power is too large to compute.");
                    }

                    return Numbers.Normalize(BigInteger.Pow(bas, (int)exp));
                }

                if (bas.IsZero)
                {
                    throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
                }

                return Math.Pow((double)bas, (double)exp);
            }

            var x = Numbers.ToDouble(a);
            var y = Numbers.ToDouble(b);
            if (x == 0 && y < 0)
            {
                throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
            }

            if (x < 0 && y != Math.Floor(y))
            {
                throw PyException.Value("math domain error: negative number raised to a fractional power");
            }

            var result = Math.Pow(x, y);
            if (double.IsInfinity(result) && !double.IsInfinity(x) && !double.IsInfinity(y))
            {
                throw new PyException("OverflowError", "(34, 'Numerical result out of range')");
            }

            return result;
        }

        throw Unsupported("** or pow()", a, b);
    }

    public static object Negate(object? a)
    {
        switch (a)
        {
            case long l when l != long.MinValue:
                return -l;
            case double d:
                return -d;
            default:
                if (Numbers.IsInt(a))
                {
                    return Numbers.Normalize(-Numbers.ToBig(a));
                }

                if (Numbers.IsFloat(a))
                {
                    return -Numbers.ToDouble(a);
                }

                if (a is Undefined u)
                {
                    throw PyException.Undefined(u);
                }

                throw PyException.Type($"bad operand type for unary -: '{TypeName(a)}'");
        }
    }

    public static object Plus(object? a)
    {
        if (Numbers.IsInt(a))
        {
            return Numbers.Normalize(Numbers.ToBig(a));
        }

        if (Numbers.IsFloat(a))
        {
            return Numbers.ToDouble(a);
        }

        if (a is Undefined u)
        {
            throw PyException.Undefined(u);
        }

        throw PyException.Type($"bad operand type for unary +: '{TypeName(a)}'");
    }

    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string s:
                if (item is string sub)
                {
                    return s.Contains(sub, StringComparison.Ordinal);
                }

                if (item is Undefined u)
                {
                    throw PyException.Undefined(u);
                }

                throw PyException.Type($"'in <string>' requires string as left operand, not {TypeName(item)}");
            case Undefined:
                return false;
            case null:
                throw PyException.Type("argument of type 'NoneType' is not iterable");
            case PyRange r:
                if (Numbers.TryGetLong(item, out var v) && !(item is double d && d != Math.Floor(d)))
                {
                    var offset = v - r.Start;
                    return offset % r.Step == 0 && offset / r.Step >= 0 && offset / r.Step < r.LongCount;
                }

                break;
            default:
                break;
        }

        if (IsMapping(container))
        {
            if (item is IList || item is PyDict)
            {
                throw PyException.Type($"unhashable type: '{TypeName(item)}'");
            }

            return TryMappingGet(container, item, out _);
        }

        if (container is IEnumerable e)
        {
            foreach (var x in e)
            {
                if (Equal(x, item))
                {
                    return true;
                }
            }

            return false;
        }

        throw PyException.Type($"argument of type '{TypeName(container)}' is not iterable");
    }

    public static int Length(object? v) => v switch
    {
        string s => CodePoints.Length(s),
        PyDict d => d.Count,
        PyTuple t => t.Count,
        PyRange r => r.Count,
        ICollection c => c.Count,
        IReadOnlyCollection<object?> rc => rc.Count,
        Undefined => 0,
        IDictionary<string, object?> g => g.Count,
        _ => throw PyException.Type($"object of type '{TypeName(v)}' has no len()"),
    };

    /// <summary>Iterates like Python's <c>iter()</c>: strings by character, mappings by key.</summary>
    public static IEnumerable<object?> Iterate(object? v)
    {
        switch (v)
        {
            case List<object?> list:
                return list;
            case string s:
                return IterateString(s);
            case PyTuple t:
                return t.Items;
            case PyDict d:
                return d.Keys;
            case Undefined:
                return [];
            case null:
                throw PyException.Type("'NoneType' object is not iterable");
            default:
                if (IsMapping(v))
                {
                    return MappingItems(v).Select(kv => kv.Key);
                }

                if (v is IEnumerable<object?> e)
                {
                    return e;
                }

                if (v is IEnumerable ne)
                {
                    return ne.Cast<object?>().Select(Import);
                }

                throw PyException.Type($"'{TypeName(v)}' object is not iterable");
        }
    }

    private static IEnumerable<object?> IterateString(string s)
    {
        if (CodePoints.HasSurrogates(s))
        {
            foreach (var c in CodePoints.Enumerate(s))
            {
                yield return c;
            }

            yield break;
        }

        foreach (var c in s)
        {
            yield return c.ToString();
        }
    }

    public static List<object?> ToList(object? v) => [.. Iterate(v)];

    /// <summary>Turns a host value into the representation templates compute with (chars become strings).</summary>
    public static object? Import(object? v) => v is char c ? c.ToString() : v;

    /// <summary>Subscript <c>obj[key]</c>; a missing item is an undefined as in Jinja, and an undefined's item raises.</summary>
    public static object? GetItem(object? obj, object? key)
    {
        switch (obj)
        {
            case Undefined u:
                throw PyException.Undefined(u);
            case PyDict d:
                return d.TryGetValue(key, out var dv) ? dv : MissingKey(obj, key);
            default:
                break;
        }

        if (Numbers.IsInt(key) && key is not bool && IsSequence(obj))
        {
            var length = Length(obj);
            var index = Numbers.ToInt(key);
            if (index < 0)
            {
                index += length;
            }

            if (index < 0 || index >= length)
            {
                return new Undefined(null, $"{TypeName(obj)} object has no element {PyFormat.Repr(key)}");
            }

            return obj switch
            {
                string s => CodePoints.At(s, index),
                IList<object?> l => l[index],
                IList l => Import(l[index]),
                IReadOnlyList<object?> r => r[index],
                _ => Iterate(obj).ElementAt(index),
            };
        }

        if (IsMapping(obj))
        {
            return TryMappingGet(obj, key, out var mv) ? Import(mv) : MissingKey(obj, key);
        }

        return MissingKey(obj, key);
    }

    private static Undefined MissingKey(object? obj, object? key) =>
        new(key as string, $"'{TypeName(obj)} object' has no attribute {PyFormat.Repr(key)}");

    /// <summary>Slice <c>obj[start:stop:step]</c> of a string, list, tuple or range.</summary>
    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        if (obj is Undefined u)
        {
            throw PyException.Undefined(u);
        }

        if (!IsSequence(obj))
        {
            // Jinja compiles slices to a plain Python subscript, so they raise instead of giving undefined.
            throw PyException.Type(IsMapping(obj) ? "unhashable type: 'slice'" : $"'{TypeName(obj)}' object is not subscriptable");
        }

        var length = Length(obj);
        var st = step is null ? 1 : Numbers.ToInt(step, "integer or None");
        if (st == 0)
        {
            throw PyException.Value("slice step cannot be zero");
        }

        int Clamp(object? v, int dflt)
        {
            if (v is null)
            {
                return dflt;
            }

            long i = Numbers.ToInt(v, "integer or None");
            if (i < 0)
            {
                i += length;
                if (i < 0)
                {
                    i = st < 0 ? -1 : 0;
                }
            }
            else if (i >= length)
            {
                i = st < 0 ? length - 1 : length;
            }

            return (int)i;
        }

        var from = Clamp(start, st < 0 ? length - 1 : 0);
        var to = Clamp(stop, st < 0 ? -1 : length);
        if (obj is string s)
        {
            if (st == 1)
            {
                return to > from ? CodePoints.Substring(s, from, to) : string.Empty;
            }

            var offsets = CodePoints.HasSurrogates(s) ? CodePoints.Offsets(s) : null;
            var sb = new StringBuilder();
            for (var i = from; st > 0 ? i < to : i > to; i += st)
            {
                if (offsets is null)
                {
                    sb.Append(s[i]);
                }
                else
                {
                    sb.Append(s, offsets[i], offsets[i + 1] - offsets[i]);
                }
            }

            return sb.ToString();
        }

        if (obj is PyRange range)
        {
            var first = range.Start + ((long)from * range.Step);
            return new PyRange(first, range.Start + ((long)to * range.Step), range.Step * st);
        }

        var items = new List<object?>();
        var source = obj as IReadOnlyList<object?> ?? Iterate(obj).ToList();
        for (var i = from; st > 0 ? i < to : i > to; i += st)
        {
            items.Add(source[i]);
        }

        return obj is PyTuple ? new PyTuple([.. items]) : items;
    }
}
