namespace Nagare.Runtime.Connections;

/// <summary>A column of a <see cref="StreamSample"/>.</summary>
/// <param name="Name">The column's name in the source.</param>
/// <param name="Type">Its canonical type as text (<c>int64</c>, <c>decimal(12,2)</c>, <c>list&lt;string&gt;</c>).</param>
public sealed record SampleColumn(string Name, string Type);
