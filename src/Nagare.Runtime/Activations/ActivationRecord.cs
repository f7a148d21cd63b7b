using System.Text;

namespace Nagare.Runtime.Activations;

/// <summary>
/// One record of a run as UTF-8 JSON, for destinations that send records one by one (an HTTP API). The text stays in
/// the bytes DuckDB made of it: a request body is these bytes copied, and the strings (<see cref="Key"/>,
/// <see cref="Json"/>) are made only for the few records a message or a rejection needs.
/// </summary>
/// <param name="Part">The records read: every record, the changes, or the deleted keys.</param>
/// <param name="Ordinal">The record's place in <paramref name="Part"/> in key order, from 0: what confirms it.</param>
/// <param name="KeyUtf8">The key fields as a JSON object: what identifies the record when it is rejected.</param>
/// <param name="JsonUtf8">The record's destination fields as a JSON object (a delete: its key fields only).</param>
/// <param name="Operation"><c>insert</c>, <c>update</c> or <c>delete</c>.</param>
public sealed record ActivationRecord(ActivationRecords Part, long Ordinal, ReadOnlyMemory<byte> KeyUtf8, ReadOnlyMemory<byte> JsonUtf8, string Operation)
{
    /// <summary>The key fields as JSON text.</summary>
    public string Key => Encoding.UTF8.GetString(KeyUtf8.Span);

    /// <summary>The record as JSON text.</summary>
    public string Json => Encoding.UTF8.GetString(JsonUtf8.Span);

    /// <summary>The operation named by <paramref name="utf8"/>, as one of three shared strings rather than a new one per record.</summary>
    public static string OperationOf(ReadOnlySpan<byte> utf8) =>
        utf8.SequenceEqual("insert"u8) ? "insert" : utf8.SequenceEqual("update"u8) ? "update" : utf8.SequenceEqual("delete"u8) ? "delete" : Encoding.UTF8.GetString(utf8);
}
