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

    // Read-only, so no caller can change the setting for everyone else.
    private static JsonSerializerOptions Options(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Default) { Encoder = JsonTextEncoder.Instance, WriteIndented = indented };
        options.MakeReadOnly();
        return options;
    }
}
