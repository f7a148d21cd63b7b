using System.Globalization;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Models;

/// <summary>
/// dbt's node selection: <c>name</c>, <c>+name</c>, <c>name+</c>, <c>2+name+1</c>, <c>@name</c>, <c>tag:x</c>,
/// <c>path:dir</c>, <c>source:x+</c>, <c>config.materialized:table</c>, <c>resource_type:seed</c>,
/// <c>test_type:generic</c>, <c>state:modified+</c>; space-separated terms are unions, comma-joined ones intersections.
/// Tests are selected indirectly when any node they test is selected (dbt's eager mode).
/// </summary>
public static partial class NodeSelector
{
    /// <summary>Selects node ids (never sources) from <paramref name="manifest"/>.</summary>
    /// <param name="manifest">The compiled project.</param>
    /// <param name="select">Selection terms; all models, seeds and tests when empty.</param>
    /// <param name="exclude">Terms removed from the selection.</param>
    /// <param name="state">The saved manifest <c>state:</c> methods compare with.</param>
    public static IReadOnlySet<string> Select(Manifest manifest, IEnumerable<string>? select, IEnumerable<string>? exclude = null, SavedState? state = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var terms = Split(select);
        var selected = terms.Count == 0
            ? manifest.Nodes.Values.Where(n => n.Type != NodeType.Source).Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal)
            : Union(manifest, terms, state, strict: true);
        var excludeTerms = Split(exclude);
        var excluded = excludeTerms.Count == 0 ? new HashSet<string>(StringComparer.Ordinal) : Union(manifest, excludeTerms, state, strict: false);
        selected.ExceptWith(excluded);
        selected.RemoveWhere(id => manifest.Nodes[id] is { Type: NodeType.Test } test && test.DependsOn.Any(excluded.Contains));
        foreach (var test in manifest.Nodes.Values.Where(n => n.Type == NodeType.Test && !selected.Contains(n.UniqueId) && !excluded.Contains(n.UniqueId)))
        {
            if (test.DependsOn.Any(selected.Contains))
            {
                selected.Add(test.UniqueId);
            }
        }

        selected.RemoveWhere(id => manifest.Nodes[id].Type == NodeType.Source);
        return selected;
    }

    private static List<string> Split(IEnumerable<string>? terms) =>
        terms is null ? [] : [.. terms.SelectMany(t => t.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))];

    private static HashSet<string> Union(Manifest manifest, List<string> terms, SavedState? state, bool strict)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            HashSet<string>? intersection = null;
            foreach (var part in term.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var matched = Term(manifest, part, state, strict);
                if (intersection is null)
                {
                    intersection = matched;
                }
                else
                {
                    intersection.IntersectWith(matched);
                }
            }

            result.UnionWith(intersection ?? []);
        }

        return result;
    }

    private static HashSet<string> Term(Manifest manifest, string term, SavedState? state, bool strict)
    {
        var m = TermPattern().Match(term);
        if (!m.Success)
        {
            throw new ModelProjectException($"--select: cannot read '{term}'");
        }

        var at = m.Groups["at"].Success;
        var up = m.Groups["up"].Success ? Depth(m.Groups["up"].Value) : -1;
        var down = m.Groups["down"].Success ? Depth(m.Groups["down"].Value) : -1;
        var body = m.Groups["body"].Value;
        var seeds = Match(manifest, body, state);
        if (strict && seeds.Count == 0 && IsPlainName(body))
        {
            // A name that matches nothing is a typo far more often than a wish to build nothing.
            var names = manifest.Nodes.Values.Where(n => n.Type != NodeType.Source && n.Type != NodeType.Test).Select(n => n.Name).Distinct(StringComparer.Ordinal);
            throw new ModelProjectException($"--select: '{body}' matches no model, seed or snapshot{Configuration.YamlSection.Suggest(body, names)}");
        }

        var result = new HashSet<string>(seeds, StringComparer.Ordinal);
        if (up >= 0 || at)
        {
            foreach (var id in seeds)
            {
                Walk(manifest, id, up < 0 ? int.MaxValue : up, ancestors: true, result);
            }
        }

        if (down >= 0 || at)
        {
            var descendants = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in seeds)
            {
                Walk(manifest, id, down < 0 ? int.MaxValue : down, ancestors: false, descendants);
            }

            result.UnionWith(descendants);
            if (at)
            {
                foreach (var id in descendants)
                {
                    Walk(manifest, id, int.MaxValue, ancestors: true, result);
                }
            }
        }

        return result;
    }

    private static bool IsPlainName(string body) => body.IndexOfAny([':', '*', '?', '[', '/']) < 0;

    private static int Depth(string digits) => digits.Length == 0 ? int.MaxValue : int.Parse(digits, CultureInfo.InvariantCulture);

    private static void Walk(Manifest manifest, string id, int depth, bool ancestors, HashSet<string> into)
    {
        var frontier = new List<string> { id };
        for (var level = 0; level < depth && frontier.Count > 0; level++)
        {
            var next = new List<string>();
            foreach (var current in frontier)
            {
                var neighbours = ancestors ? manifest.Nodes[current].DependsOn : manifest.ChildrenOf(current);
                foreach (var n in neighbours)
                {
                    if (into.Add(n))
                    {
                        next.Add(n);
                    }
                }
            }

            frontier = next;
        }
    }

    private static HashSet<string> Match(Manifest manifest, string body, SavedState? state)
    {
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        var method = colon < 0 ? (body.Contains('/', StringComparison.Ordinal) || body.EndsWith(".sql", StringComparison.Ordinal) ? "path" : "fqn") : body[..colon];
        var value = colon < 0 ? body : body[(colon + 1)..];
        IEnumerable<ModelNode> nodes = manifest.Nodes.Values;
        Func<ModelNode, bool> predicate = method switch
        {
            "fqn" => n => n.Type != NodeType.Source && MatchesFqn(n, value, manifest.Project.Name),
            "tag" => n => n.Config.Tags.Any(t => Wildcard(value, t)),
            "path" or "file" => n => MatchesPath(n, value, manifest.Project),
            "source" => n => n.Type == NodeType.Source && (Wildcard(value, n.SourceName!) || Wildcard(value, $"{n.SourceName}.{n.Name}") || Wildcard(value, $"{manifest.Project.Name}.{n.SourceName}.{n.Name}")),
            "resource_type" => n => string.Equals(n.Type.ToString(), value, StringComparison.OrdinalIgnoreCase),
            "test_type" => n => n.Type == NodeType.Test && (value == "generic" ? n.TestName is not null : n.TestName is null),
            "test_name" => n => n.TestName is not null && Wildcard(value, n.TestName),
            "state" => StatePredicate(value, state),
            _ when method.StartsWith("config.", StringComparison.Ordinal) => n => ConfigMatches(n, method["config.".Length..], value),
            _ => throw new ModelProjectException($"--select: unknown method '{method}:' in '{body}'. Known: tag, path, source, config.KEY, resource_type, test_type, test_name, state, fqn"),
        };
        return nodes.Where(predicate).Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal);
    }

    private static Func<ModelNode, bool> StatePredicate(string value, SavedState? state)
    {
        if (state is null)
        {
            throw new ModelProjectException($"--select state:{value} needs --state DIR (the target folder of the build to compare with)");
        }

        return value switch
        {
            "modified" => n => n.Type != NodeType.Source && state.IsModified(n),
            "new" => n => n.Type != NodeType.Source && !state.Checksums.ContainsKey(n.UniqueId),
            "unmodified" => n => n.Type != NodeType.Source && !state.IsModified(n),
            _ => throw new ModelProjectException($"--select: unknown state 'state:{value}'. Known: modified, new, unmodified"),
        };
    }

    private static bool MatchesFqn(ModelNode node, string value, string project)
    {
        if (Wildcard(value, node.Name))
        {
            return true;
        }

        var parts = value.Split('.');
        var fqn = node.Fqn;
        var start = parts[0] == project ? 0 : 1;
        if (start + parts.Length > fqn.Count)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            if (!Wildcard(parts[i], fqn[start + i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesPath(ModelNode node, string value, ModelProject project)
    {
        var normalized = value.Replace('\\', '/').TrimEnd('/');
        if (Path.IsPathRooted(normalized))
        {
            normalized = project.Relative(normalized);
        }

        if (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }

        if (normalized is "" or ".")
        {
            return node.Type != NodeType.Source;
        }

        return node.Path == normalized || node.Path.StartsWith(normalized + "/", StringComparison.Ordinal) || Wildcard(normalized, node.Path);
    }

    private static bool ConfigMatches(ModelNode node, string key, string value)
    {
        if (node.Type == NodeType.Source)
        {
            return false;
        }

        if (key == "materialized")
        {
            return Wildcard(value, node.Type == NodeType.Seed ? "seed" : node.Type == NodeType.Test ? "test" : node.Config.Materialized);
        }

        if (!node.Config.Values.TryGetValue(key, out var v) || v is null)
        {
            return false;
        }

        return v is string or bool or long or double
            ? Wildcard(value, ProjectScanner.Describe(v is bool b ? (b ? "true" : "false") : v))
            : v is System.Collections.IEnumerable e && e.Cast<object?>().Any(x => Wildcard(value, ProjectScanner.Describe(x)));
    }

    private static bool Wildcard(string pattern, string text)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal) && !pattern.Contains('?', StringComparison.Ordinal))
        {
            return string.Equals(pattern, text, StringComparison.Ordinal);
        }

        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(text, regex);
    }

    [GeneratedRegex(@"^(?<at>@)?(?:(?<up>\d*)\+)?(?<body>[^+@]+?)(?:\+(?<down>\d*))?$")]
    private static partial Regex TermPattern();
}
