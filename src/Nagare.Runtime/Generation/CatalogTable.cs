using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>A table of the catalog models are generated for: where it lives and its columns in order.</summary>
/// <param name="Schema">Schema (dataset) of the table, e.g. <c>lake_app</c>.</param>
/// <param name="Name">Table name.</param>
/// <param name="Columns">Columns by ordinal position.</param>
public sealed record CatalogTable(string Schema, string Name, ImmutableArray<CatalogColumn> Columns)
{
    /// <summary><c>schema.name</c>.</summary>
    public string FullName => Schema + "." + Name;

    /// <summary>The column named <paramref name="name"/> (ordinal match), or null.</summary>
    public CatalogColumn? Find(string name)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Name, name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }
}
