using System.Collections.Immutable;
using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;
using Nagare.Core.Types;

namespace Nagare.Runtime.Replication;

/// <summary>
/// Chunk boundaries as text kept in the sync state while a chunked copy is unfinished, so a resumed run
/// copies exactly the ranges the interrupted one planned (re-splitting a changed table could move them).
/// </summary>
public static class ChunkPlanCodec
{
    /// <summary>The state key holding the plan.</summary>
    public const string StateKey = "chunk_plan";

    /// <summary>Encodes ranges over a key column.</summary>
    public static string Encode(IReadOnlyList<KeyRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var items = ranges.Select(r => new[] { r.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), r.From is null ? null : CursorValues.Format(r.From), r.To is null ? null : CursorValues.Format(r.To) });
        return JsonSerializer.Serialize(new { column = ranges.Count == 0 ? null : ranges[0].Column, ranges = items }, JsonFormat.Serializer);
    }

    /// <summary>Decodes ranges; the bounds get the key column's .NET type.</summary>
    public static ImmutableArray<KeyRange> Decode(string text, ColumnType keyType)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var document = JsonDocument.Parse(text);
        var column = document.RootElement.GetProperty("column").GetString() ?? string.Empty;
        var ranges = ImmutableArray.CreateBuilder<KeyRange>();
        foreach (var item in document.RootElement.GetProperty("ranges").EnumerateArray())
        {
            var index = int.Parse(item[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var from = item[1].GetString() is { } f ? CursorValues.Parse(f, keyType) : null;
            var to = item[2].GetString() is { } t ? CursorValues.Parse(t, keyType) : null;
            ranges.Add(new KeyRange(column, from, to, index));
        }

        return ranges.ToImmutable();
    }
}
