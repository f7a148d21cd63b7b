using Nagare.Core.Connectors;

namespace Nagare.Connectors.Common;

/// <summary>
/// The error of a discovery whose connection lists namespaces (PostgreSQL's <c>schemas:</c>, MySQL's
/// <c>databases:</c>) that the server lacks: a listed name that does not exist would otherwise just have no tables.
/// </summary>
internal static class ListedNamespaces
{
    /// <param name="connection">The connection's name.</param>
    /// <param name="noun">"schema" or "database"; the connection's key is its plural.</param>
    /// <param name="missing">Listed names the server lacks (at least one).</param>
    /// <param name="present">Listed names it has.</param>
    /// <param name="where">Where they were looked for, e.g. "on db.example:3306".</param>
    /// <param name="mayBeHidden">Whether a name the user may not see looks missing.</param>
    /// <param name="withoutList">What discovery reads without the key, e.g. "discover every schema".</param>
    public static ConnectorException Missing(
        string connection, string noun, IReadOnlyList<string> missing, IReadOnlyList<string> present, string where, bool mayBeHidden, string withoutList)
    {
        var one = missing.Count == 1;
        var names = string.Join(", ", missing.Select(m => $"'{m}'"));
        var hidden = mayBeHidden ? $" (or the user may not see {(one ? "it" : "them")})" : string.Empty;
        return new ConnectorException($"Connection {connection}: {noun}{(one ? "" : "s")} {names} of its {noun}s: {(one ? "does" : "do")} not exist {where}{hidden}.")
        {
            Connection = connection,
            Hint = present.Count > 0
                ? $"Fix the name, or remove it from {noun}s: (the others, {string.Join(", ", present.Select(p => $"'{p}'"))}, exist). A shard that lacks it can set its own {noun}s: under shards:."
                : $"Fix the names, or remove {noun}s: to {withoutList}. A shard that lacks them can set its own {noun}s: under shards:.",
        };
    }
}
