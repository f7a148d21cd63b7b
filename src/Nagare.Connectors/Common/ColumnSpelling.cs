using System.Collections.Immutable;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Common;

/// <summary>Column names of databases that compare them case-insensitively (DuckDB, SQLite, MySQL).</summary>
internal static class ColumnSpelling
{
    /// <summary>
    /// The request's columns spelled as the existing table spells them, so <c>Name</c> and <c>name</c> are one column
    /// and statements name it as the table does.
    /// </summary>
    public static ImmutableArray<ColumnSchema> AsExisting(ImmutableArray<ColumnSchema> columns, StreamSchema? existing)
    {
        if (existing is null)
        {
            return columns;
        }

        var names = existing.Columns.ToDictionary(c => c.Name, c => c.Name, StringComparer.OrdinalIgnoreCase);
        return [.. columns.Select(c => names.TryGetValue(c.Name, out var spelled) && spelled != c.Name ? c with { Name = spelled } : c)];
    }
}
