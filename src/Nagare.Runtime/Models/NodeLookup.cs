namespace Nagare.Runtime.Models;

/// <summary>Resolves ref()/source() calls to nodes and nodes to the relations SQL uses.</summary>
internal sealed class NodeLookup
{
    private readonly string _project;
    private readonly string _database;

    public NodeLookup(string project, string database, IReadOnlyDictionary<string, ModelNode> refable, IReadOnlyDictionary<string, ModelNode> sources)
    {
        _project = project;
        _database = database;
        Refable = refable;
        Sources = sources;
    }

    /// <summary>Models and seeds by name.</summary>
    public IReadOnlyDictionary<string, ModelNode> Refable { get; }

    /// <summary>Source tables by <c>source.table</c>.</summary>
    public IReadOnlyDictionary<string, ModelNode> Sources { get; }

    public ModelNode Resolve(ModelNode from, RelationCall call)
    {
        if (call.IsSource)
        {
            if (Sources.TryGetValue($"{call.First}.{call.Second}", out var source))
            {
                return source;
            }

            var known = Sources.Keys.Where(k => k.StartsWith(call.First + ".", StringComparison.Ordinal)).ToList();
            throw new ModelProjectException(known.Count == 0
                ? $"{from.Path}: {call} refers to source '{call.First}', which no YAML file declares{ProjectScanner.Suggest($"{call.First}", Sources.Keys.Select(k => k.Split('.')[0]).Distinct())}"
                : $"{from.Path}: {call}: source '{call.First}' has no table '{call.Second}'{ProjectScanner.Suggest(call.Second, known.Select(k => k[(k.IndexOf('.', StringComparison.Ordinal) + 1)..]))}");
        }

        if (Refable.TryGetValue(call.Second, out var node))
        {
            return node;
        }

        var package = call.First is null || call.First == _project ? string.Empty : $" in package '{call.First}'";
        throw new ModelProjectException($"{from.Path}: {call} refers to a model or seed '{call.Second}'{package} that does not exist{ProjectScanner.Suggest(call.Second, Refable.Keys)}");
    }

    /// <summary>The relation of a node as SQL sees it: ephemeral models become their CTE name.</summary>
    public RelationValue Relation(ModelNode node, RenderCapture? capture) =>
        node.IsEphemeral
            ? new RelationValue(CteName(node), _database, node.Schema, node.Identifier, capture)
            : new RelationValue(node.RelationName, _database, node.Schema, node.Identifier, capture);

    public static string CteName(ModelNode node) => "__dbt__cte__" + node.Name;
}
