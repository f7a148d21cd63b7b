using System.Buffers;
using System.Text;
using System.Text.Json;
using Nagare.Core.Json;

namespace Nagare.Core.Tests.Json;

/// <summary><see cref="JsonFormat.WriteText"/> writes exactly what a writer with <see cref="JsonFormat.Writer"/> writes.</summary>
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
            new string('q', 255),
            new string('q', 256),
            string.Concat(Enumerable.Repeat("\\\"", 200)),
        };
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void WriteText_AnyText_SameBytesAsTheWriter(string text)
    {
        Assert.Equal(Written(w => w.WriteString("code", text)), Written(w => JsonFormat.WriteText(w, "code", text)));
    }

    [Fact]
    public void WriteText_Null_WritesNull()
    {
        Assert.Equal("{\"code\":null}", Encoding.UTF8.GetString(Written(w => JsonFormat.WriteText(w, "code", null))));
    }

    [Fact]
    public void WriteText_BetweenOtherMembers_StaysValidJson()
    {
        var text = string.Concat(Enumerable.Repeat("line \"one\"\n", 50));
        var json = Written(w =>
        {
            w.WriteString("before", "x");
            JsonFormat.WriteText(w, "code", text);
            w.WriteNumber("after", 1);
        });

        using var document = JsonDocument.Parse(json);
        Assert.Equal(text, document.RootElement.GetProperty("code").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("after").GetInt32());
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
