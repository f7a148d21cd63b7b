using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Core.Schema;

/// <summary>
/// Compares a destination table's columns with incoming ones: new columns are added, narrower target types are
/// widened to a type that holds both, and anything else stops the stream with a message saying what changed
/// and what to do. Nothing is ever dropped.
/// </summary>
public static class SchemaEvolution
{
    /// <summary>The changes that make <paramref name="existing"/> accept rows of <paramref name="incoming"/>.</summary>
    /// <param name="table">The table, for messages.</param>
    /// <param name="existing">The target's columns as the destination describes them.</param>
    /// <param name="incoming">The incoming columns, typed as the destination would store them.</param>
    /// <param name="policy">Whether to evolve or fail on any difference.</param>
    /// <exception cref="SchemaChangeException">A change cannot be applied without loss, or <paramref name="policy"/> is <see cref="SchemaChangePolicy.Fail"/> and something differs.</exception>
    public static SchemaEvolutionPlan Compare(StreamId table, IReadOnlyList<ColumnSchema> existing, IReadOnlyList<ColumnSchema> incoming, SchemaChangePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(incoming);
        var byName = existing.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var added = new List<ColumnSchema>();
        var widened = new List<WidenedColumn>();
        var problems = new List<string>();
        foreach (var column in incoming)
        {
            if (!byName.TryGetValue(column.Name, out var current))
            {
                added.Add(column);
                continue;
            }

            if (current.Type.Equals(column.Type))
            {
                continue;
            }

            var wider = Widen(current.Type, column.Type);
            if (wider is null)
            {
                problems.Add($"column '{column.Name}' is {current.Type} in the target but arrives as {column.Type}, and no type holds both without loss");
            }
            else if (!wider.Equals(current.Type))
            {
                widened.Add(new WidenedColumn(column.Name, current.Type, wider));
            }
        }

        if (problems.Count > 0)
        {
            throw new SchemaChangeException($"Table {table} cannot take the incoming rows: {string.Join("; ", problems)}.")
            {
                Stream = table.ToString(),
                Hint = "Cast the column to the target's type in the sync's column mapping, or run a full refresh to rebuild the table with the new types.",
            };
        }

        if (policy == SchemaChangePolicy.Fail && (added.Count > 0 || widened.Count > 0))
        {
            var changes = added.Select(c => $"new column '{c.Name}' ({c.Type})")
                .Concat(widened.Select(w => $"column '{w.Name}' widens from {w.From} to {w.To}"));
            throw new SchemaChangeException($"Table {table} differs from the incoming rows: {string.Join("; ", changes)}; schema changes are set to fail.")
            {
                Stream = table.ToString(),
                Hint = "Set schema_changes: evolve to apply them, or change the source back.",
            };
        }

        return new SchemaEvolutionPlan(added, widened);
    }

    /// <summary>The narrowest canonical type holding every value of both types, or null when there is none.</summary>
    public static ColumnType? Widen(ColumnType a, ColumnType b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Equals(b))
        {
            return a;
        }

        if (a.IsInteger && b.IsInteger)
        {
            var bits = Math.Max(SignedBits(a), SignedBits(b));
            return bits switch
            {
                <= 8 => ColumnType.Int8,
                <= 16 => ColumnType.Int16,
                <= 32 => ColumnType.Int32,
                <= 64 => ColumnType.Int64,
                _ => ColumnType.Decimal(20, 0),
            };
        }

        if (IsFloat(a) && IsFloat(b))
        {
            return ColumnType.Float64;
        }

        if ((IsFloat(a) && b.IsInteger && SignedBits(b) <= 32) || (IsFloat(b) && a.IsInteger && SignedBits(a) <= 32))
        {
            return ColumnType.Float64;
        }

        var (p1, s1) = DecimalShape(a);
        var (p2, s2) = DecimalShape(b);
        if ((a.Kind == ColumnKind.Decimal || b.Kind == ColumnKind.Decimal) && p1 > 0 && p2 > 0)
        {
            var scale = Math.Max(s1, s2);
            var digits = Math.Max(p1 - s1, p2 - s2) + scale;
            return digits > ColumnType.MaxDecimalPrecision ? null : ColumnType.Decimal(digits, scale);
        }

        return (a.Kind, b.Kind) switch
        {
            (ColumnKind.Date, ColumnKind.Timestamp) or (ColumnKind.Timestamp, ColumnKind.Date) => ColumnType.Timestamp,
            (ColumnKind.String, ColumnKind.Json) or (ColumnKind.Json, ColumnKind.String) => ColumnType.String,
            (ColumnKind.List, ColumnKind.List) => Widen(a.Element!, b.Element!) is { } element ? ColumnType.List(element) : null,
            _ => null,
        };
    }

    private static bool IsFloat(ColumnType type) => type.Kind is ColumnKind.Float32 or ColumnKind.Float64;

    // Bits a signed integer needs to hold every value of the type.
    private static int SignedBits(ColumnType type) => type.Kind switch
    {
        ColumnKind.Int8 => 8,
        ColumnKind.UInt8 or ColumnKind.Int16 => 16,
        ColumnKind.UInt16 or ColumnKind.Int32 => 32,
        ColumnKind.UInt32 or ColumnKind.Int64 => 64,
        _ => 65,
    };

    private static (int Precision, int Scale) DecimalShape(ColumnType type) => type.Kind switch
    {
        ColumnKind.Decimal => (type.Precision, type.Scale),
        ColumnKind.Int8 or ColumnKind.UInt8 => (3, 0),
        ColumnKind.Int16 or ColumnKind.UInt16 => (5, 0),
        ColumnKind.Int32 or ColumnKind.UInt32 => (10, 0),
        ColumnKind.Int64 => (19, 0),
        ColumnKind.UInt64 => (20, 0),
        _ => (0, 0),
    };
}
