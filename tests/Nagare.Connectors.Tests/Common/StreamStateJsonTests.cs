using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Common;

public sealed class StreamStateJsonTests
{
    [Fact]
    public void Serialize_State_WritesVersionOneWithSortedExtra()
    {
        var state = new StreamState("5", "id", [2, 0], ImmutableDictionary<string, string>.Empty.Add("z", "1").Add("a", "顧客"));

        var json = StreamStateJson.Serialize(state);

        Assert.Equal("""{"version":1,"cursor":"5","cursor_column":"id","completed_chunks":[2,0],"extra":{"a":"顧客","z":"1"}}""", json);
        var back = StreamStateJson.Deserialize(json);
        Assert.Equal(("5", "id", "顧客"), (back.Cursor, back.CursorColumn, back.Extra["a"]));
        Assert.Equal([2, 0], back.CompletedChunks.ToArray());
    }

    [Fact]
    public void Deserialize_WithoutVersion_ReadsAsVersionOne()
    {
        var state = StreamStateJson.Deserialize("""{"cursor":"2024-01-01","cursor_column":"at","completed_chunks":[],"extra":{}}""");

        Assert.Equal(("2024-01-01", "at"), (state.Cursor, state.CursorColumn));
    }

    [Fact]
    public void Deserialize_NewerVersion_IsRefusedWithWhatToDo()
    {
        var e = Assert.Throws<ConnectorException>(() => StreamStateJson.Deserialize("""{"version":2,"cursor":"x"}"""));

        Assert.Equal("The stored sync state has version 2, newer than this Nagare reads (1).", e.Message);
        Assert.Contains("nagare state reset", e.Hint, StringComparison.Ordinal);
    }
}
