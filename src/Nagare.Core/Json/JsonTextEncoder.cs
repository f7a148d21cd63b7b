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

    /// <summary>
    /// Copies the text in runs between the characters to escape. The base class goes a character at a time after the
    /// first one it escapes, and SQL has a newline every few dozen characters: writing a large manifest took most of
    /// its time there. Surrogates go through the base class, which writes pairs as they are and a lone one as U+FFFD.
    /// </summary>
    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true)
    {
        charsConsumed = charsWritten = 0;
        while (!source.IsEmpty)
        {
            var run = source.IndexOfAny(Candidates);
            var plain = run < 0 ? source : source[..run];
            if (!plain.TryCopyTo(destination))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed += plain.Length;
            charsWritten += plain.Length;
            source = source[plain.Length..];
            destination = destination[plain.Length..];
            if (source.IsEmpty)
            {
                break;
            }

            if (char.IsSurrogate(source[0]))
            {
                var status = base.Encode(source, destination, out var consumed, out var written, isFinalBlock);
                charsConsumed += consumed;
                charsWritten += written;
                return status;
            }

            var escape = Escape(source[0]);
            if (!escape.AsSpan().TryCopyTo(destination))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed++;
            charsWritten += escape.Length;
            source = source[1..];
            destination = destination[escape.Length..];
        }

        return OperationStatus.Done;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        var text = !WillEncode(unicodeScalar) ? char.ConvertFromUtf32(unicodeScalar) : Escape(unicodeScalar);
        if (!text.AsSpan().TryCopyTo(destination))
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        numberOfCharactersWritten = text.Length;
        return true;
    }

    /// <summary>The escape of a character JSON requires escaped (<see cref="WillEncode"/>).</summary>
    private static string Escape(int scalar) => scalar switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\b' => "\\b",
        '\f' => "\\f",
        _ => "\\u" + scalar.ToString("x4", CultureInfo.InvariantCulture),
    };
}
