using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;

namespace Nagare.Core.Json;

/// <summary>
/// Escapes only what JSON itself requires — the quote, the backslash and control characters — and writes every
/// other character as it is, so names and descriptions in any script stay readable in manifests and outputs.
/// .NET's <c>UnsafeRelaxedJsonEscaping</c> would still escape characters outside the Basic Multilingual Plane
/// (emoji, rare CJK) as surrogate pairs. The output is meant for files and consoles, never embedded in HTML.
/// </summary>
internal sealed class JsonTextEncoder : JavaScriptEncoder
{
    public static readonly JsonTextEncoder Instance = new();

    // Surrogates are searched for too: they send the text through the base class, which decodes pairs to one
    // character (written unescaped) and replaces a lone surrogate, which UTF-8 cannot hold, with U+FFFD.
    private static readonly SearchValues<char> Candidates = SearchValues.Create(
        string.Create(0x20 + 2 + 0x800, 0, static (span, _) =>
        {
            for (var i = 0; i < 0x20; i++)
            {
                span[i] = (char)i;
            }

            span[0x20] = '"';
            span[0x21] = '\\';
            for (var i = 0; i < 0x800; i++)
            {
                span[0x22 + i] = (char)(0xD800 + i);
            }
        }));

    private JsonTextEncoder()
    {
    }

    // "\u001f": the longest escape.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        new ReadOnlySpan<char>(text, textLength).IndexOfAny(Candidates);

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        var text = !WillEncode(unicodeScalar) ? char.ConvertFromUtf32(unicodeScalar) : unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => "\\u" + unicodeScalar.ToString("x4", CultureInfo.InvariantCulture),
        };
        if (!text.AsSpan().TryCopyTo(destination))
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        numberOfCharactersWritten = text.Length;
        return true;
    }
}
