using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nagare.Server.Api;

/// <summary>
/// Writes a string that already holds JSON (as the store keeps a run's parameters) into an answer as it is, without
/// parsing it into a document first: a page of runs spent a third of its time doing that.
/// </summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    /// <inheritdoc/>
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // The text comes from the store, which only ever holds what the run planner serialised.
        writer.WriteRawValue(value, skipInputValidation: true);
    }
}
