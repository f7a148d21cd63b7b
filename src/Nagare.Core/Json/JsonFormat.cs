using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nagare.Core.Json;

/// <summary>
/// The one JSON setting every file and output Nagare writes uses (manifest, lineage, CLI <c>--json</c>, state,
/// JSON values written to destinations): text in any language stays unescaped, and only what JSON requires is
/// escaped.
/// </summary>
public static class JsonFormat
{
    /// <summary>Escapes the quote, the backslash and control characters only.</summary>
    public static JavaScriptEncoder Encoder => JsonTextEncoder.Instance;

    /// <summary>Compact output.</summary>
    public static JsonWriterOptions Writer { get; } = new() { Encoder = JsonTextEncoder.Instance };

    /// <summary>Indented output, for files people read.</summary>
    public static JsonWriterOptions IndentedWriter { get; } = new() { Encoder = JsonTextEncoder.Instance, Indented = true };

    /// <summary>Compact output from <see cref="JsonSerializer"/>.</summary>
    public static JsonSerializerOptions Serializer { get; } = Options(indented: false);

    /// <summary>Indented output from <see cref="JsonSerializer"/>.</summary>
    public static JsonSerializerOptions IndentedSerializer { get; } = Options(indented: true);

    /// <summary>Bytes <see cref="WriteText"/> escapes: control characters, the quote and the backslash (no byte of a multi-byte UTF-8 character is among them).</summary>
    private static readonly SearchValues<byte> Escaped = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>
    /// Writes <paramref name="value"/> as <paramref name="name"/>'s string, byte for byte as a writer with
    /// <see cref="Writer"/> would, but faster for long texts: a writer with a custom encoder escapes the text after its
    /// first newline a character at a time, which made long texts (SQL in a manifest) most of the writing time. Here
    /// the text is turned into UTF-8 at once (a lone surrogate becoming U+FFFD, as the encoder writes it) and copied
    /// in runs between the bytes to escape.
    /// </summary>
    public static void WriteText(Utf8JsonWriter writer, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null || value.Length < 256)
        {
            writer.WriteString(name, value);
            return;
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        var escaped = ArrayPool<byte>.Shared.Rent((value.Length * 3 * 6) + 2);
        try
        {
            var text = utf8.AsSpan(0, Encoding.UTF8.GetBytes(value, utf8));
            var at = 0;
            escaped[at++] = (byte)'"';
            while (!text.IsEmpty)
            {
                var run = text.IndexOfAny(Escaped);
                var plain = run < 0 ? text : text[..run];
                plain.CopyTo(escaped.AsSpan(at));
                at += plain.Length;
                if (run < 0)
                {
                    break;
                }

                at += Escape((char)text[run], escaped.AsSpan(at));
                text = text[(run + 1)..];
            }

            escaped[at++] = (byte)'"';
            writer.WritePropertyName(name);
            writer.WriteRawValue(escaped.AsSpan(0, at), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(escaped);
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static int Escape(char c, Span<byte> into)
    {
        into[0] = (byte)'\\';
        var letter = c switch
        {
            '"' => '"',
            '\\' => '\\',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\b' => 'b',
            '\f' => 'f',
            _ => '\0',
        };
        if (letter != '\0')
        {
            into[1] = (byte)letter;
            return 2;
        }

        "u00"u8.CopyTo(into[1..]);
        into[4] = (byte)"0123456789abcdef"[c >> 4];
        into[5] = (byte)"0123456789abcdef"[c & 0xF];
        return 6;
    }

    // Read-only, so no caller can change the setting for everyone else.
    private static JsonSerializerOptions Options(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Default) { Encoder = JsonTextEncoder.Instance, WriteIndented = indented };
        options.MakeReadOnly();
        return options;
    }
}
