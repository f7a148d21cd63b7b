using Nagare.Core.Types;

namespace Nagare.Core.Schema;

/// <summary>One column of a stream: its name, canonical type, nullability and the source's own type name.</summary>
/// <param name="Name">Column name as the connector spells it.</param>
/// <param name="Type">Canonical type.</param>
/// <param name="Nullable">Whether NULLs may occur.</param>
/// <param name="NativeType">The connector's own type text (e.g. <c>numeric(12,2)</c>, <c>character varying(40)</c>), for messages.</param>
public sealed record ColumnSchema(string Name, ColumnType Type, bool Nullable = true, string? NativeType = null);
