using System.Collections.Immutable;
using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Common;

/// <summary>
/// The JSON form of a <see cref="StreamState"/> that destinations keep next to the data:
/// <c>{"cursor": "…", "cursor_column": "…", "completed_chunks": [0, 1], "extra": {"k": "v"}}</c>.
/// </summary>
public static class StreamStateJson
{
    /// <summary>The state as JSON text.</summary>
    public static string Serialize(StreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("cursor", state.Cursor);
            writer.WriteString("cursor_column", state.CursorColumn);
            writer.WriteStartArray("completed_chunks");
            foreach (var chunk in state.CompletedChunks.IsDefault ? [] : state.CompletedChunks)
            {
                writer.WriteNumberValue(chunk);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("extra");
            foreach (var (key, value) in state.Extra ?? ImmutableDictionary<string, string>.Empty)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads JSON written by <see cref="Serialize"/>.</summary>
    /// <exception cref="ConnectorException">The text is not a stored state.</exception>
    public static StreamState Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var chunks = ImmutableArray.CreateBuilder<int>();
            if (root.TryGetProperty("completed_chunks", out var array))
            {
                foreach (var item in array.EnumerateArray())
                {
                    chunks.Add(item.GetInt32());
                }
            }

            var extra = ImmutableDictionary.CreateBuilder<string, string>();
            if (root.TryGetProperty("extra", out var map))
            {
                foreach (var property in map.EnumerateObject())
                {
                    extra[property.Name] = property.Value.GetString() ?? "";
                }
            }

            return new StreamState(Text(root, "cursor"), Text(root, "cursor_column"), chunks.ToImmutable(), extra.ToImmutable());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ConnectorException($"The stored sync state is not valid: {e.Message}", e);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
