using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Nagare.Templating.Values;

/// <summary>
/// Python's text conversions: <c>str()</c>, <c>repr()</c>, float repr, <c>%</c>-formatting and
/// <c>str.format</c>, so that rendered SQL matches what Jinja produces character for character.
/// </summary>
internal static class PyFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string ToStr(object? v)
    {
        switch (v)
        {
            case string s:
                return s;
            case null:
                return "None";
            case bool b:
                return b ? "True" : "False";
            case long l:
                return l.ToString(Inv);
            case int i:
                return i.ToString(Inv);
            case double d:
                return FloatRepr(d);
            case Undefined:
                return string.Empty;
            case char c:
                return c.ToString();
            case float f:
                return FloatRepr(f);
            case decimal m:
                return m.ToString(Inv);
            case BigInteger bi:
                return bi.ToString(Inv);
            case DateTime dt:
                return dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff", Inv);
            case DateTimeOffset dto:
                return dto.ToString(dto.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:sszzz" : "yyyy-MM-dd HH:mm:ss.ffffffzzz", Inv);
            case DateOnly d0:
                return d0.ToString("yyyy-MM-dd", Inv);
            case TimeOnly t0:
                return t0.ToString(t0.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.ffffff", Inv);
            case PyTuple or PyDict or DictView or IList or IDictionary or IReadOnlyDictionary<string, object?> or IDictionary<string, object?>:
                return Repr(v);
            case Namespace ns:
                return "<Namespace " + ReprMapping(ns.Attributes.Select(kv => new KeyValuePair<object?, object?>(kv.Key, kv.Value)), 0) + ">";
            case IFormattable fm when Numbers.IsInt(v):
                return fm.ToString(null, Inv);
            default:
                return v.ToString() ?? string.Empty;
        }
    }

    public static string Repr(object? v) => Repr(v, 0);

    private static string Repr(object? v, int depth)
    {
        if (depth > 64)
        {
            return "...";
        }

        switch (v)
        {
            case string s:
                return StringRepr(s);
            case char c:
                return StringRepr(c.ToString());
            case Undefined:
                return "Undefined";
            case PyTuple t:
                if (t.Count == 1)
                {
                    return "(" + Repr(t[0], depth + 1) + ",)";
                }

                return "(" + JoinRepr(t.Items, depth) + ")";
            case DictView dv:
                return $"dict_{dv.Kind}([{JoinRepr(dv.Items, depth)}])";
            case PyDict d:
                return ReprMapping(d.Items, depth);
            case IList l:
                return "[" + JoinRepr(l.Cast<object?>(), depth) + "]";
            case DateTime or DateOnly or DateTimeOffset or TimeOnly:
                return StringRepr(ToStr(v));
            default:
                if (PyOps.IsMapping(v))
                {
                    return ReprMapping(PyOps.MappingItems(v!), depth);
                }

                return ToStr(v);
        }
    }

    private static string JoinRepr(IEnumerable<object?> items, int depth)
    {
        var sb = new StringBuilder();
        foreach (var item in items)
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Repr(PyOps.Import(item), depth + 1));
        }

        return sb.ToString();
    }

    private static string ReprMapping(IEnumerable<KeyValuePair<object?, object?>> items, int depth)
    {
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var kv in items)
        {
            if (!first)
            {
                sb.Append(", ");
            }

            first = false;
            sb.Append(Repr(kv.Key, depth + 1)).Append(": ").Append(Repr(PyOps.Import(kv.Value), depth + 1));
        }

        return sb.Append('}').ToString();
    }

    public static string StringRepr(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c < ' ' || c == 0x7f)
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", Inv));
            }
            else if (c < 0x7f)
            {
                sb.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var cp = char.ConvertToUtf32(c, s[i + 1]);
                if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(cp)))
                {
                    sb.Append(c).Append(s[i + 1]);
                }
                else
                {
                    sb.Append("\\U").Append(cp.ToString("x8", Inv));
                }

                i++;
            }
            else if (char.IsSurrogate(c) || !IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                sb.Append(c < 0x100 ? "\\x" + ((int)c).ToString("x2", Inv) : "\\u" + ((int)c).ToString("x4", Inv));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append(quote).ToString();
    }

    private static bool IsPrintable(UnicodeCategory category) => category is not (UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| &lt; 1e16.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        var (negative, digits, decpt) = ShortestDigits(d);
        var sb = new StringBuilder(24);
        if (negative)
        {
            sb.Append('-');
        }

        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0)
            {
                sb.Append("0.").Append('0', -decpt).Append(digits);
            }
            else if (decpt >= digits.Length)
            {
                sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exp = decpt - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", Inv));
        }

        return sb.ToString();
    }

    // Digits without leading/trailing zeros and the decimal point position: value = 0.DIGITS * 10^decpt.
    private static (bool Negative, string Digits, int Decpt) ShortestDigits(double d)
    {
        var shortest = d.ToString("R", Inv);
        var negative = shortest[0] == '-';
        if (negative)
        {
            shortest = shortest[1..];
        }

        var exp = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = shortest;
        if (e >= 0)
        {
            exp = int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, Inv);
            mantissa = shortest[..e];
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intLen = dot < 0 ? mantissa.Length : dot;
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var decpt = intLen + exp;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        return (negative, digits.Length == 0 ? "0" : digits, decpt);
    }

    public static string FormatFixed(double d, int precision)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        return d.ToString("F" + precision.ToString(Inv), Inv);
    }

    public static string FormatExponent(double d, int precision, bool upper)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            var special = double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
            return upper ? special.ToUpperInvariant() : special;
        }

        var s = d.ToString("E" + precision.ToString(Inv), Inv);
        var e = s.IndexOf('E', StringComparison.Ordinal);
        var exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, Inv);
        return s[..e] + (upper ? "E" : "e") + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", Inv);
    }

    public static string FormatGeneral(double d, int precision, bool alternate, bool upper)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            var special = double.IsNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
            return upper ? special.ToUpperInvariant() : special;
        }

        var p = precision == 0 ? 1 : precision;
        var probe = FormatExponent(d, p - 1, false);
        var exp = int.Parse(probe.AsSpan(probe.IndexOf('e', StringComparison.Ordinal) + 1), NumberStyles.AllowLeadingSign, Inv);
        string result;
        if (exp >= -4 && exp < p)
        {
            result = FormatFixed(d, p - 1 - exp);
            if (!alternate && result.Contains('.', StringComparison.Ordinal))
            {
                result = result.TrimEnd('0').TrimEnd('.');
            }
            else if (alternate && !result.Contains('.', StringComparison.Ordinal))
            {
                result += ".";
            }
        }
        else
        {
            result = FormatExponent(d, p - 1, upper);
            if (alternate && !result.Contains('.', StringComparison.Ordinal))
            {
                var e = result.IndexOfAny(['e', 'E']);
                result = result[..e] + "." + result[e..];
            }
            else if (!alternate)
            {
                var e = result.IndexOfAny(['e', 'E']);
                var mant = result[..e];
                if (mant.Contains('.', StringComparison.Ordinal))
                {
                    mant = mant.TrimEnd('0').TrimEnd('.');
                }

                result = mant + result[e..];
            }
        }

        return result;
    }

    public static string ToRadix(BigInteger value, int radix, bool upper)
    {
        if (value.IsZero)
        {
            return "0";
        }

        var sb = new StringBuilder();
        var v = BigInteger.Abs(value);
        var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        while (!v.IsZero)
        {
            v = BigInteger.DivRem(v, radix, out var rem);
            sb.Insert(0, digits[(int)rem]);
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>fmt % args</c>.</summary>
    public static string Printf(string fmt, object? args)
    {
        var values = args is PyTuple t ? t.Items : [args];
        var mapping = args is not PyTuple && PyOps.IsMapping(args) ? args : null;

        // Python skips the "not all arguments converted" check when the right operand supports
        // item access (list, dict, undefined) but is neither a tuple nor a string.
        var subscriptable = args is not (PyTuple or string) && (mapping is not null || args is System.Collections.IList or Undefined or PyRange or DictView);
        var next = 0;
        var sb = new StringBuilder(fmt.Length + 16);
        var i = 0;
        object? NextArg()
        {
            if (next >= values.Length)
            {
                throw PyException.Type("not enough arguments for format string");
            }

            return values[next++];
        }

        while (i < fmt.Length)
        {
            var c = fmt[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }

            i++;
            if (i >= fmt.Length)
            {
                throw PyException.Value("incomplete format");
            }

            object? value = null;
            var haveValue = false;
            if (fmt[i] == '(')
            {
                var close = fmt.IndexOf(')', i);
                if (close < 0)
                {
                    throw PyException.Value("incomplete format key");
                }

                var key = fmt[(i + 1)..close];
                if (mapping is null)
                {
                    throw PyException.Type("format requires a mapping");
                }

                if (!PyOps.TryMappingGet(mapping, key, out value))
                {
                    throw new PyException("KeyError", StringRepr(key));
                }

                haveValue = true;
                i = close + 1;
            }

            var left = false;
            var plus = false;
            var space = false;
            var alt = false;
            var zero = false;
            for (; i < fmt.Length; i++)
            {
                switch (fmt[i])
                {
                    case '-':
                        left = true;
                        continue;
                    case '+':
                        plus = true;
                        continue;
                    case ' ':
                        space = true;
                        continue;
                    case '#':
                        alt = true;
                        continue;
                    case '0':
                        zero = true;
                        continue;
                    default:
                        break;
                }

                break;
            }

            var width = 0;
            if (i < fmt.Length && fmt[i] == '*')
            {
                width = Numbers.ToInt(NextArg());
                i++;
            }
            else
            {
                while (i < fmt.Length && char.IsAsciiDigit(fmt[i]))
                {
                    width = (width * 10) + (fmt[i++] - '0');
                }
            }

            var precision = -1;
            if (i < fmt.Length && fmt[i] == '.')
            {
                i++;
                precision = 0;
                if (i < fmt.Length && fmt[i] == '*')
                {
                    precision = Numbers.ToInt(NextArg());
                    i++;
                }
                else
                {
                    while (i < fmt.Length && char.IsAsciiDigit(fmt[i]))
                    {
                        precision = (precision * 10) + (fmt[i++] - '0');
                    }
                }
            }

            while (i < fmt.Length && fmt[i] is 'h' or 'l' or 'L')
            {
                i++;
            }

            if (i >= fmt.Length)
            {
                throw PyException.Value("incomplete format");
            }

            var conv = fmt[i++];
            if (conv == '%')
            {
                sb.Append('%');
                continue;
            }

            if (!haveValue)
            {
                value = NextArg();
            }

            string body;
            var sign = string.Empty;
            var numeric = false;
            switch (conv)
            {
                case 's':
                    body = ToStr(value);
                    if (precision >= 0 && CodePoints.Length(body) > precision)
                    {
                        body = CodePoints.Substring(body, 0, precision);
                    }

                    break;
                case 'r' or 'a':
                    body = Repr(value);
                    if (precision >= 0 && CodePoints.Length(body) > precision)
                    {
                        body = CodePoints.Substring(body, 0, precision);
                    }

                    break;
                case 'd' or 'i' or 'u' or 'x' or 'X' or 'o':
                    {
                        numeric = true;
                        BigInteger n;
                        if (Numbers.IsInt(value))
                        {
                            n = Numbers.ToBig(value);
                        }
                        else if (Numbers.IsFloat(value) && conv is 'd' or 'i' or 'u')
                        {
                            n = new BigInteger(Math.Truncate(Numbers.ToDouble(value)));
                        }
                        else
                        {
                            var need = conv is 'd' or 'i' or 'u' ? "a real number" : "an integer";
                            throw PyException.Type($"%{conv} format: {need} is required, not {PyOps.TypeName(value)}");
                        }

                        body = conv switch
                        {
                            'x' => ToRadix(n, 16, false),
                            'X' => ToRadix(n, 16, true),
                            'o' => ToRadix(n, 8, false),
                            _ => BigInteger.Abs(n).ToString(Inv),
                        };
                        if (precision >= 0 && body.Length < precision)
                        {
                            body = body.PadLeft(precision, '0');
                        }

                        if (alt && conv is 'x' or 'X' or 'o')
                        {
                            body = (conv == 'x' ? "0x" : conv == 'X' ? "0X" : "0o") + body;
                        }

                        sign = n.Sign < 0 ? "-" : plus ? "+" : space ? " " : string.Empty;
                        break;
                    }

                case 'e' or 'E' or 'f' or 'F' or 'g' or 'G':
                    {
                        numeric = true;
                        if (!Numbers.IsNumber(value))
                        {
                            throw PyException.Type($"must be real number, not {PyOps.TypeName(value)}");
                        }

                        var d = Numbers.ToDouble(value);
                        var p = precision < 0 ? 6 : precision;
                        var negative = d < 0 || (d == 0 && double.IsNegative(d));
                        var abs = Math.Abs(d);
                        body = conv switch
                        {
                            'e' or 'E' => FormatExponent(abs, p, conv == 'E'),
                            'f' or 'F' => AlternateDot(FormatFixed(abs, p), alt),
                            _ => FormatGeneral(abs, p, alt, conv == 'G'),
                        };
                        if (alt && conv is 'e' or 'E' && !body.Contains('.', StringComparison.Ordinal))
                        {
                            var e = body.IndexOfAny(['e', 'E']);
                            body = body[..e] + "." + body[e..];
                        }
                        if (conv == 'F')
                        {
                            body = body.ToUpperInvariant();
                        }

                        sign = negative ? "-" : plus ? "+" : space ? " " : string.Empty;
                        break;
                    }

                case 'c':
                    body = value is string cs && CodePoints.IsOne(cs) ? cs : char.ConvertFromUtf32(Numbers.ToInt(value));
                    break;
                default:
                    throw PyException.Value($"unsupported format character '{conv}' (0x{(int)conv:x}) at index {i - 1}");
            }

            var total = sign.Length + CodePoints.Length(body);
            if (width > total)
            {
                if (left)
                {
                    sb.Append(sign).Append(body).Append(' ', width - total);
                }
                else if (zero && numeric)
                {
                    var prefixLen = body.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || body.StartsWith("0o", StringComparison.Ordinal) ? 2 : 0;
                    sb.Append(sign).Append(body, 0, prefixLen).Append('0', width - total).Append(body, prefixLen, body.Length - prefixLen);
                }
                else
                {
                    sb.Append(' ', width - total).Append(sign).Append(body);
                }
            }
            else
            {
                sb.Append(sign).Append(body);
            }
        }

        if (!subscriptable && next < values.Length)
        {
            throw PyException.Type("not all arguments converted during string formatting");
        }

        return PyOps.CheckLength(sb.ToString());
    }

    /// <summary>Python's <c>str.format(*args, **kwargs)</c>.</summary>
    public static string StrFormat(string fmt, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, Func<object?, string, object?> getAttr)
    {
        var sb = new StringBuilder(fmt.Length + 16);
        var auto = 0;
        var i = 0;
        while (i < fmt.Length)
        {
            var c = fmt[i];
            if (c == '}')
            {
                if (i + 1 < fmt.Length && fmt[i + 1] == '}')
                {
                    sb.Append('}');
                    i += 2;
                    continue;
                }

                throw PyException.Value("Single '}' encountered in format string");
            }

            if (c != '{')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 < fmt.Length && fmt[i + 1] == '{')
            {
                sb.Append('{');
                i += 2;
                continue;
            }

            var depth = 1;
            var j = i + 1;
            while (j < fmt.Length && depth > 0)
            {
                if (fmt[j] == '{')
                {
                    depth++;
                }
                else if (fmt[j] == '}')
                {
                    depth--;
                }

                j++;
            }

            if (depth > 0)
            {
                throw PyException.Value("expected '}' before end of string");
            }

            var field = fmt[(i + 1)..(j - 1)];
            i = j;
            string? spec = null;
            char conversion = '\0';
            var colon = IndexOutsideBrackets(field, ':');
            if (colon >= 0)
            {
                spec = field[(colon + 1)..];
                field = field[..colon];
            }

            var bang = IndexOutsideBrackets(field, '!');
            if (bang >= 0)
            {
                conversion = bang + 1 < field.Length ? field[bang + 1] : '\0';
                field = field[..bang];
            }

            var nameEnd = 0;
            while (nameEnd < field.Length && field[nameEnd] is not ('.' or '['))
            {
                nameEnd++;
            }

            var argName = field[..nameEnd];
            object? value;
            if (argName.Length == 0)
            {
                value = auto < args.Count ? args[auto] : throw new PyException("IndexError", $"Replacement index {auto} out of range for positional args tuple");
                auto++;
            }
            else if (int.TryParse(argName, NumberStyles.None, Inv, out var index))
            {
                value = index < args.Count ? args[index] : throw new PyException("IndexError", $"Replacement index {index} out of range for positional args tuple");
            }
            else if (!kwargs.TryGetValue(argName, out value))
            {
                throw new PyException("KeyError", StringRepr(argName));
            }

            var p = nameEnd;
            while (p < field.Length)
            {
                if (field[p] == '.')
                {
                    var q = p + 1;
                    while (q < field.Length && field[q] is not ('.' or '['))
                    {
                        q++;
                    }

                    value = getAttr(value, field[(p + 1)..q]);
                    p = q;
                }
                else
                {
                    var close = field.IndexOf(']', p);
                    var key = field[(p + 1)..close];
                    value = int.TryParse(key, NumberStyles.None, Inv, out var ki) ? PyOps.GetItem(value, (long)ki) : PyOps.GetItem(value, key);
                    p = close + 1;
                }
            }

            if (conversion is 'r' or 'a')
            {
                value = Repr(value);
            }
            else if (conversion == 's')
            {
                value = ToStr(value);
            }

            if (spec is not null && spec.Contains('{', StringComparison.Ordinal))
            {
                spec = StrFormat(spec, args, kwargs, getAttr);
            }

            sb.Append(FormatValue(value, spec ?? string.Empty));
        }

        return PyOps.CheckLength(sb.ToString());
    }

    private static int IndexOutsideBrackets(string s, char c)
    {
        var inBracket = false;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '[')
            {
                inBracket = true;
            }
            else if (s[i] == ']')
            {
                inBracket = false;
            }
            else if (s[i] == c && !inBracket)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Python's <c>format(value, spec)</c> for strings, ints and floats.</summary>
    public static string FormatValue(object? value, string spec)
    {
        if (spec.Length == 0)
        {
            return ToStr(value);
        }

        var i = 0;
        var fill = ' ';
        var align = '\0';
        var fillGiven = false;
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
        {
            fill = spec[0];
            align = spec[1];
            fillGiven = true;
            i = 2;
        }
        else if (spec[0] is '<' or '>' or '^' or '=')
        {
            align = spec[0];
            i = 1;
        }

        var sign = '-';
        var signGiven = false;
        if (i < spec.Length && spec[i] is '+' or '-' or ' ')
        {
            sign = spec[i++];
            signGiven = true;
        }

        var alt = false;
        if (i < spec.Length && spec[i] == '#')
        {
            alt = true;
            i++;
        }

        var zeroAlign = false;
        if (i < spec.Length && spec[i] == '0')
        {
            if (!fillGiven)
            {
                fill = '0';
            }

            if (align == '\0')
            {
                align = '=';
                zeroAlign = true;
            }

            i++;
        }

        var width = 0;
        while (i < spec.Length && char.IsAsciiDigit(spec[i]))
        {
            width = (width * 10) + (spec[i++] - '0');
        }

        var grouping = '\0';
        if (i < spec.Length && spec[i] is ',' or '_')
        {
            grouping = spec[i++];
        }

        var precision = -1;
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            precision = 0;
            while (i < spec.Length && char.IsAsciiDigit(spec[i]))
            {
                precision = (precision * 10) + (spec[i++] - '0');
            }
        }

        var type = i < spec.Length ? spec[i++] : '\0';
        if (i < spec.Length)
        {
            throw PyException.Value("Invalid format specifier");
        }

        string body;
        var signText = string.Empty;
        var numeric = true;
        var explicitSign = signGiven;
        if (value is not (string or Undefined) && !Numbers.IsNumber(value))
        {
            throw PyException.Type($"unsupported format string passed to {PyOps.TypeName(value)}.__format__");
        }

        if (value is string or Undefined)
        {
            if (type is not ('\0' or 's'))
            {
                throw PyException.Value($"Unknown format code '{type}' for object of type '{PyOps.TypeName(value)}'");
            }

            if (explicitSign)
            {
                throw PyException.Value("Sign not allowed in string format specifier");
            }

            if (alt)
            {
                throw PyException.Value("Alternate form (#) not allowed in string format specifier");
            }

            if (grouping != '\0')
            {
                throw PyException.Value($"Cannot specify '{grouping}' with 's'.");
            }

            if (align == '=' && !zeroAlign)
            {
                throw PyException.Value("'=' alignment not allowed in string format specifier");
            }

            if (zeroAlign)
            {
                align = '<';
            }

            body = ToStr(value);
            if (precision >= 0 && CodePoints.Length(body) > precision)
            {
                body = CodePoints.Substring(body, 0, precision);
            }

            numeric = false;
            if (align == '\0')
            {
                align = '<';
            }
        }
        else if (Numbers.IsInt(value) && type is '\0' or 'd' or 'n' or 'b' or 'o' or 'x' or 'X' or 'c')
        {
            if (precision >= 0)
            {
                throw PyException.Value("Precision not allowed in integer format specifier");
            }

            if ((grouping != '\0' && type is 'n' or 'c') || (grouping == ',' && type is 'b' or 'o' or 'x' or 'X'))
            {
                throw PyException.Value($"Cannot specify '{grouping}' with '{type}'.");
            }

            var n = Numbers.ToBig(value);
            body = type switch
            {
                'b' => (alt ? "0b" : string.Empty) + GroupRadix(ToRadix(n, 2, false), grouping),
                'o' => (alt ? "0o" : string.Empty) + GroupRadix(ToRadix(n, 8, false), grouping),
                'x' => (alt ? "0x" : string.Empty) + GroupRadix(ToRadix(n, 16, false), grouping),
                'X' => (alt ? "0X" : string.Empty) + GroupRadix(ToRadix(n, 16, true), grouping),
                'c' => char.ConvertFromUtf32((int)n),
                _ => Group(BigInteger.Abs(n).ToString(Inv), grouping),
            };
            signText = n.Sign < 0 ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : string.Empty;
        }
        else
        {
            if (type is 'b' or 'o' or 'x' or 'X' or 'c' or 'd' or 's')
            {
                throw PyException.Value($"Unknown format code '{type}' for object of type 'float'");
            }

            if (grouping != '\0' && type == 'n')
            {
                throw PyException.Value($"Cannot specify '{grouping}' with 'n'.");
            }

            var d = Numbers.ToDouble(value);
            var negative = d < 0 || (d == 0 && double.IsNegative(d));
            var abs = Math.Abs(d);
            switch (type)
            {
                case 'f' or 'F':
                    body = AlternateDot(FormatFixed(abs, precision < 0 ? 6 : precision), alt);
                    break;
                case 'e' or 'E':
                    body = FormatExponent(abs, precision < 0 ? 6 : precision, type == 'E');
                    if (alt && !body.Contains('.', StringComparison.Ordinal))
                    {
                        var e = body.IndexOfAny(['e', 'E']);
                        body = body[..e] + "." + body[e..];
                    }

                    break;
                case 'g' or 'G' or 'n':
                    body = FormatGeneral(abs, precision < 0 ? 6 : precision, alt, type == 'G');
                    break;
                case '%':
                    body = AlternateDot(FormatFixed(abs * 100, precision < 0 ? 6 : precision), alt) + "%";
                    break;
                default:
                    body = precision < 0
                        ? (Numbers.IsInt(value) ? Numbers.ToBig(value).ToString(Inv) : FloatRepr(abs))
                        : FormatShortest(abs, precision, alt);
                    if (alt && body.Contains('e', StringComparison.Ordinal) && !body.Contains('.', StringComparison.Ordinal))
                    {
                        body = body.Insert(body.IndexOf('e', StringComparison.Ordinal), ".");
                    }
                    break;
            }

            if (grouping != '\0')
            {
                var dot = body.IndexOfAny(['.', 'e', 'E', '%']);
                body = dot < 0 ? Group(body, grouping) : Group(body[..dot], grouping) + body[dot..];
            }

            if (type == 'F')
            {
                body = body.ToUpperInvariant();
            }

            signText = negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : string.Empty;
        }

        if (numeric && align == '\0')
        {
            align = '>';
        }

        var total = signText.Length + CodePoints.Length(body);
        if (width <= total)
        {
            return signText + body;
        }

        var pad = width - total;
        if (align == '=' && body.Length > 1 && body[0] == '0' && body[1] is 'x' or 'X' or 'o' or 'b')
        {
            // With '=' the padding goes between the sign and radix prefix and the digits.
            signText += body[..2];
            body = body[2..];
        }

        return align switch
        {
            '<' => signText + body + new string(fill, pad),
            '^' => new string(fill, pad / 2) + signText + body + new string(fill, pad - (pad / 2)),
            '=' => signText + new string(fill, pad) + body,
            _ => new string(fill, pad) + signText + body,
        };
    }

    private static string AlternateDot(string body, bool alternate) =>
        alternate && !body.Contains('.', StringComparison.Ordinal) && body.Length > 0 && char.IsAsciiDigit(body[^1]) ? body + "." : body;

    // An empty presentation type with a precision: like 'g', but exponent form from exp >= precision - 1
    // and fixed form keeps at least one digit after the point.
    private static string FormatShortest(double abs, int precision, bool alternate)
    {
        if (double.IsNaN(abs) || double.IsInfinity(abs))
        {
            return FormatGeneral(abs, precision, alternate, false);
        }

        var p = precision == 0 ? 1 : precision;
        var probe = FormatExponent(abs, p - 1, false);
        var exp = int.Parse(probe.AsSpan(probe.IndexOf('e', StringComparison.Ordinal) + 1), NumberStyles.AllowLeadingSign, Inv);
        if (exp >= -4 && exp < p - 1)
        {
            var fixedText = FormatFixed(abs, p - 1 - exp);
            if (!alternate && fixedText.Contains('.', StringComparison.Ordinal))
            {
                fixedText = fixedText.TrimEnd('0');
            }

            return fixedText.EndsWith('.') ? fixedText + "0" : fixedText.Contains('.', StringComparison.Ordinal) ? fixedText : fixedText + ".0";
        }

        var sci = FormatExponent(abs, p - 1, false);
        if (alternate && !sci.Contains('.', StringComparison.Ordinal))
        {
            var dot = sci.IndexOf('e', StringComparison.Ordinal);
            sci = sci[..dot] + "." + sci[dot..];
        }
        else if (!alternate)
        {
            var e = sci.IndexOf('e', StringComparison.Ordinal);
            var mantissa = sci[..e];
            if (mantissa.Contains('.', StringComparison.Ordinal))
            {
                mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            }

            sci = mantissa + sci[e..];
        }

        return sci;
    }

    private static string GroupRadix(string digits, char separator)
    {
        if (separator != '_' || digits.Length <= 4)
        {
            return digits;
        }

        var sb = new StringBuilder();
        var first = digits.Length % 4;
        if (first > 0)
        {
            sb.Append(digits, 0, first);
        }

        for (var i = first; i < digits.Length; i += 4)
        {
            if (sb.Length > 0)
            {
                sb.Append('_');
            }

            sb.Append(digits, i, 4);
        }

        return sb.ToString();
    }

    private static string Group(string digits, char separator)
    {
        if (separator == '\0' || digits.Length <= 3)
        {
            return digits;
        }

        var sb = new StringBuilder();
        var first = digits.Length % 3;
        if (first > 0)
        {
            sb.Append(digits, 0, first);
        }

        for (var i = first; i < digits.Length; i += 3)
        {
            if (sb.Length > 0)
            {
                sb.Append(separator);
            }

            sb.Append(digits, i, 3);
        }

        return sb.ToString();
    }
}
