using Nagare.DuckDb.Appending;

namespace Nagare.DuckDb;

public sealed partial class DuckDbConnection
{
    private readonly List<DuckDbAppender> _appenders = [];

    /// <summary>Creates an appender that bulk-loads all columns of <paramref name="table"/> in the default schema.</summary>
    /// <exception cref="DuckDbException">The table does not exist.</exception>
    public DuckDbAppender CreateAppender(string table) => CreateAppender(null, table, null);

    /// <summary>Creates an appender that bulk-loads all columns of <paramref name="schema"/>.<paramref name="table"/>.</summary>
    /// <exception cref="DuckDbException">The table does not exist.</exception>
    public DuckDbAppender CreateAppender(string? schema, string table) => CreateAppender(schema, table, null);

    /// <summary>
    /// Creates an appender that loads only <paramref name="columns"/> (in that order); the table's other
    /// columns receive their defaults (or NULL).
    /// </summary>
    /// <exception cref="DuckDbException">The table or a column does not exist.</exception>
    public DuckDbAppender CreateAppender(string? schema, string table, IReadOnlyList<string>? columns)
    {
        var appender = DuckDbAppender.Create(this, schema, table, columns is { Count: > 0 } ? columns : null);
        _appenders.Add(appender);
        return appender;
    }

    internal void ForgetAppender(DuckDbAppender appender) => _appenders.Remove(appender);

    partial void OnClosing()
    {
        // Appenders hold native state tied to this connection and its database: finish them first.
        foreach (var appender in _appenders.ToArray())
        {
            appender.Dispose();
        }

        _appenders.Clear();
    }
}
