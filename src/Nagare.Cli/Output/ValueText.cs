using System.Collections;
using System.Globalization;
using System.Text;

namespace Nagare.Cli.Output;

/// <summary>Culture-invariant text for result values, close to how DuckDB prints them.</summary>
public static class ValueText
{
    /// <summary>Text of <paramref name="value"/>; null and <see cref="DBNull"/> become <paramref name="nullText"/>.</summary>
    public static string Format(object? value, string nullText = "NULL")
    {
        var builder = new StringBuilder();
        Append(builder, value, nullText, nested: false);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, object? value, string nullText, bool nested)
    {
        switch (value)
        {
            case null or DBNull:
                builder.Append(nested ? "NULL" : nullText);
                break;
            case string s:
                if (nested)
                {
                    builder.Append('\'').Append(s.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                }
                else
                {
                    builder.Append(s);
                }

                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case DateTime dt:
                builder.Append(dt.ToString(dt.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd 00:00:00" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dto:
                builder.Append(dto.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
                break;
            case DateOnly d:
                builder.Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case TimeOnly t:
                builder.Append(t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                builder.Append("\\x").Append(Convert.ToHexString(bytes));
                break;
            case IDictionary dictionary:
                builder.Append('{');
                var first = true;
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    Append(builder, entry.Key, nullText, nested: true);
                    builder.Append(": ");
                    Append(builder, entry.Value, nullText, nested: true);
                }

                builder.Append('}');
                break;
            case IEnumerable sequence:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in sequence)
                {
                    if (!firstItem)
                    {
                        builder.Append(", ");
                    }

                    firstItem = false;
                    Append(builder, item, nullText, nested: true);
                }

                builder.Append(']');
                break;
            case IFormattable formattable:
                builder.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append(value);
                break;
        }
    }
}
