using System.Collections.Immutable;
using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Common;

/// <summary>
/// The one JSON form of a <see cref="StreamState"/>, kept by every destination next to the data:
/// <c>{"version": 1, "cursor": "…", "cursor_column": "…", "completed_chunks": [0, 1], "extra": {"k": "v"}}</c>.
/// States written before the version field are read as version 1; a newer version is refused rather than
/// misread.
/// </summary>
public static class StreamStateJson
{
    /// <summary>The version written.</summary>
    public const int Version = 1;

    /// <summary>The state as JSON text.</summary>
    public static string Serialize(StreamState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            Write(writer, state);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the state as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, StreamState state)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(state);
        writer.WriteStartObject();
        writer.WriteNumber("version", Version);
        writer.WriteString("cursor", state.Cursor);
        writer.WriteString("cursor_column", state.CursorColumn);
        writer.WriteStartArray("completed_chunks");
        foreach (var chunk in state.CompletedChunks.IsDefault ? [] : state.CompletedChunks)
        {
            writer.WriteNumberValue(chunk);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("extra");
        foreach (var (key, value) in (state.Extra ?? ImmutableDictionary<string, string>.Empty).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Reads JSON written by <see cref="Serialize"/>.</summary>
    /// <exception cref="ConnectorException">The text is not a stored state, or one of a newer version.</exception>
    public static StreamState Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new ConnectorException($"The stored sync state is not valid: {e.Message}", e);
        }
    }

    /// <summary>Reads one state object.</summary>
    /// <exception cref="ConnectorException">The element is not a stored state, or one of a newer version.</exception>
    public static StreamState Read(JsonElement root)
    {
        try
        {
            if (root.TryGetProperty("version", out var version) && version.GetInt32() > Version)
            {
                throw new ConnectorException($"The stored sync state has version {version.GetInt32()}, newer than this Nagare reads ({Version}).")
                {
                    Hint = "Run the sync with the Nagare release that wrote it, or reset the stream's state with: nagare state reset SYNC --stream TABLE",
                };
            }

            var chunks = ImmutableArray.CreateBuilder<int>();
            if (root.TryGetProperty("completed_chunks", out var array))
            {
                foreach (var item in array.EnumerateArray())
                {
                    chunks.Add(item.GetInt32());
                }
            }

            var extra = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
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
