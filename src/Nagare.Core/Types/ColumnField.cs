namespace Nagare.Core.Types;

/// <summary>One named field of a <see cref="ColumnKind.Struct"/> type.</summary>
public sealed record ColumnField(string Name, ColumnType Type);
