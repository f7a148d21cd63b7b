using System.Collections.Immutable;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations;

/// <summary>A table of a database connection (PostgreSQL, SQLite, a DuckDB file).</summary>
/// <param name="Connection">The connection written to.</param>
/// <param name="Table">The table (its schema is the connection's default when null).</param>
/// <param name="Mode">What a run sends.</param>
/// <param name="Key">Destination fields identifying a record.</param>
/// <param name="Location">Where the destination was defined.</param>
public sealed record DatabaseDestination(string Connection, StreamId Table, ActivationMode Mode, ImmutableArray<string> Key, ConfigLocation Location)
    : ActivationDestination(Mode, Key, Location)
{
    /// <inheritdoc/>
    public override string Type => "database";

    /// <inheritdoc/>
    public override string Display => $"{Connection}:{Table}";

    /// <inheritdoc/>
    public override string Identity => $"database|{Connection}|{Table.Namespace}|{Table.Name}|{Mode}";
}
