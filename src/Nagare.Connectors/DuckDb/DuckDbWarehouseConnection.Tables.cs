using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

// Which tables exist, for writers.
public sealed partial class DuckDbWarehouseConnection
{
    private readonly Lock _tablesGate = new();
    private HashSet<(string Schema, string Name)>? _tables;

    /// <summary>
    /// The target as it exists for a writer about to change it, or null when it does not exist. A table that was
    /// not in the catalog when this connection object first looked (one catalog query) and that none of its writers
    /// has touched since is known to be missing without asking DuckDB: asking for a missing table makes DuckDB
    /// rank every table name by similarity for its "did you mean" hint, which at a million tables is seconds per
    /// stream.
    /// </summary>
    internal StreamSchema? DescribeForWrite(DuckDbConnection connection, StreamId table) =>
        MayExist(connection, table) ? Describe(connection, table) : null;

    /// <summary>
    /// False when the table is known not to exist (see <see cref="DescribeForWrite"/>); true when it may. Either way
    /// the table counts as possibly existing from now on, as the caller is about to write it.
    /// </summary>
    internal bool MayExist(DuckDbConnection connection, StreamId table)
    {
        var key = TableKey(table);
        lock (_tablesGate)
        {
            if (_tables is null)
            {
                _tables = new HashSet<(string, string)>(TableKeyComparer.Instance);
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()";
                try
                {
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        _tables.Add((reader.GetString(0), reader.GetString(1)));
                    }
                }
                catch (DuckDbException e)
                {
                    _tables = null;
                    throw Error("Cannot list the tables", e, table.ToString());
                }
            }

            // From now on the table may exist (this writer may create it, and a retry must look).
            return !_tables.Add(key);
        }
    }

    private static (string Schema, string Name) TableKey(StreamId table) => (table.Namespace ?? "main", table.Name);

    /// <summary>DuckDB compares identifiers case-insensitively.</summary>
    private sealed class TableKeyComparer : IEqualityComparer<(string Schema, string Name)>
    {
        public static readonly TableKeyComparer Instance = new();

        public bool Equals((string Schema, string Name) x, (string Schema, string Name) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Schema, y.Schema) && StringComparer.OrdinalIgnoreCase.Equals(x.Name, y.Name);

        public int GetHashCode((string Schema, string Name) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Schema), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Name));
    }
}
