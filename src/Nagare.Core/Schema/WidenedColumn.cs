using Nagare.Core.Types;

namespace Nagare.Core.Schema;

/// <summary>A target column whose type grows from <paramref name="From"/> to <paramref name="To"/>.</summary>
public sealed record WidenedColumn(string Name, ColumnType From, ColumnType To);
