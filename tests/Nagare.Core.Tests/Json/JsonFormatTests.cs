using System.Buffers;
using System.Text;
using System.Text.Json;
using Nagare.Core.Json;

namespace Nagare.Core.Tests.Json;

/// <summary>
/// A writer with <see cref="JsonFormat.Writer"/> escapes the quote, the backslash and control characters only, writes
/// every other character as it is and a lone surrogate as U+FFFD, in long texts as in short ones.
/// </summary>
public sealed class JsonFormatTests
{
    public static TheoryData<string> Texts()
    {
        var controls = new string([.. Enumerable.Range(0, 0x20).Select(i => (char)i)]);
        return new TheoryData<string>
        {
            string.Concat(Enumerable.Repeat("select a, \"b\" from t where c = 'x\\y'\n\t-- 日本語 ✓ 😀\r\n", 20)),
            controls + string.Concat(Enumerable.Repeat("x", 300)) + controls,
            string.Concat(Enumerable.Repeat("lone \uD800 high, lone \uDC00 low, pair \uD83D\uDE00, end\uD800", 20)),
            "\uD83D" + new string('a', 300) + "\"\uDE00",
            string.Concat(Enumerable.Repeat("\u2028\u2029<>&'+\u007f\u0080\u00a0", 40)),
            "short \"one\"\n",
            new string('q', 256),
            string.Concat(Enumerable.Repeat("\\\"", 200)),
        };
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void WriteString_AnyText_EscapesOnlyWhatJsonRequires(string text)
    {
        Assert.Equal("{\"code\":\"" + Expected(text) + "\"}", Encoding.UTF8.GetString(Written(w => w.WriteString("code", text))));
    }

    [Fact]
    public void WriteString_LongTextBetweenOtherMembers_ReadsBackTheSame()
    {
        var text = string.Concat(Enumerable.Repeat("line \"one\"\n", 5_000));
        var json = Written(w =>
        {
            w.WriteString("before", "x");
            w.WriteString("code", text);
            w.WriteNumber("after", 1);
        });

        using var document = JsonDocument.Parse(json);
        Assert.Equal(text, document.RootElement.GetProperty("code").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("after").GetInt32());
    }

    /// <summary>The escaping spelt out one character at a time.</summary>
    private static string Expected(string text)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(c).Append(text[++i]);
                continue;
            }

            result.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ when char.IsSurrogate(c) => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return result.ToString();
    }

    private static byte[] Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
