using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Postgres;

/// <summary>The JSON form of a <see cref="StreamState"/> in <c>_nagare.sync_state.state_json</c>.</summary>
internal static class PostgresStateJson
{
    public static string Write(StreamState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteString("cursor", state.Cursor);
            writer.WriteString("cursor_column", state.CursorColumn);
            writer.WriteStartArray("completed_chunks");
            foreach (var chunk in state.CompletedChunks.IsDefault ? [] : state.CompletedChunks)
            {
                writer.WriteNumberValue(chunk);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("extra");
            foreach (var (key, value) in state.Extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static StreamState Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var cursor = root.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var column = root.TryGetProperty("cursor_column", out var cc) && cc.ValueKind == JsonValueKind.String ? cc.GetString() : null;
        var chunks = root.TryGetProperty("completed_chunks", out var ch) && ch.ValueKind == JsonValueKind.Array
            ? ch.EnumerateArray().Select(e => e.GetInt32()).ToImmutableArray()
            : [];
        var extra = ImmutableDictionary<string, string>.Empty;
        if (root.TryGetProperty("extra", out var ex) && ex.ValueKind == JsonValueKind.Object)
        {
            extra = ex.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
        }

        return new StreamState(cursor, column, chunks, extra);
    }
}
