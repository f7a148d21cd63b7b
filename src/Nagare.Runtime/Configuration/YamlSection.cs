using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// A YAML mapping being read into configuration records: values are taken by key (with <c>${ENV}</c>
/// substitution), every error names file, line, column and key path, and keys never read are reported
/// as unknown with a did-you-mean.
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode node;
    private readonly Func<string, string?> environment;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public YamlSection(string file, YamlMappingNode node, string path, Func<string, string?> environment)
    {
        File = file;
        this.node = node;
        Path = path;
        this.environment = environment;
    }

    public string File { get; }

    public string Path { get; }

    public ConfigLocation Location => At(node);

    public IEnumerable<string> Keys => node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty);

    public static YamlSection Load(string file, string displayName, Func<string, string?> environment)
    {
        var root = ParseRoot(file, displayName) ?? throw new ConfigException(new ConfigLocation(displayName, 1, 1), "(root)", "expected a mapping of keys to values");
        return new YamlSection(displayName, root, string.Empty, environment);
    }

    /// <summary>
    /// Parses one project file (the one place YAML text is turned into nodes): its top-level mapping, or null when the
    /// file is empty. Syntax errors, a top level that is not a mapping and extra documents are <see cref="ConfigException"/>s.
    /// </summary>
    public static YamlMappingNode? ParseRoot(string file, string displayName)
    {
        try
        {
            using var reader = new StreamReader(file, Encoding.UTF8);
            return ParseRoot(reader, displayName);
        }
        catch (IOException e)
        {
            throw new ConfigException($"{displayName}: cannot read: {e.Message}", e);
        }
    }

    /// <inheritdoc cref="ParseRoot(string, string)"/>
    public static YamlMappingNode? ParseRoot(TextReader text, string displayName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(text);
        }
        catch (YamlException e)
        {
            var location = new ConfigLocation(displayName, (int)e.Start.Line, (int)e.Start.Column);
            throw new ConfigException(location, "(syntax)", Inner(e).Message);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" } && stream.Documents.Count == 1)
        {
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var first = stream.Documents[0].RootNode;
            throw new ConfigException(new ConfigLocation(displayName, (int)first.Start.Line, (int)first.Start.Column), "(root)", "expected a mapping of keys to values");
        }

        if (stream.Documents.Count > 1)
        {
            var extra = stream.Documents[1].RootNode;
            throw new ConfigException(new ConfigLocation(displayName, (int)extra.Start.Line, (int)extra.Start.Column), "(root)", "one document per file: put each connection or sync in its own file");
        }

        return root;
    }

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public ConfigLocation At(YamlNode at) => new(File, (int)at.Start.Line, (int)at.Start.Column);

    public ConfigException Error(string key, string problem) =>
        new(Find(key, out var keyNode, out var value) ? At(value!) : keyNode is null ? Location : At(keyNode), KeyPath(key), problem);

    public bool Has(string key) => Find(key, out _, out _);

    public YamlNode? Node(string key)
    {
        read.Add(key);
        return Find(key, out _, out var value) ? value : null;
    }

    public ConfigLocation LocationOf(string key) => Find(key, out _, out var value) ? At(value!) : Location;

    public string? String(string key)
    {
        var value = Node(key);
        return value switch
        {
            null => null,
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlScalarNode scalar => Substitute(key, scalar),
            _ => throw Error(key, $"expected a single value, found a {Describe(value)}"),
        };
    }

    public string RequiredString(string key) =>
        String(key) is { Length: > 0 } value ? value : throw Error(key, Has(key) ? "must not be empty" : $"is required (in {Describe()})");

    public Secret? Secret(string key) => String(key) is { } value ? new Secret(value) : null;

    /// <summary>True when the value of <paramref name="key"/> holds a <c>${secret:…}</c> reference (so it is read as a <see cref="Configuration.Secret"/>).</summary>
    public bool ReferencesSecret(string key) => Find(key, out _, out var value) && value is YamlScalarNode scalar && SecretReferences.IsIn(scalar.Value);

    public long? Long(string key, long min, long max)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(key, $"expected an integer, found '{text}'");
        }

        return value < min || value > max ? throw Error(key, $"must be between {min} and {max}, found {value}") : value;
    }

    public int? Int(string key, int min, int max) => (int?)Long(key, min, max);

    public bool? Bool(string key)
    {
        var text = String(key);
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(key, $"expected true or false, found '{text}'"),
        };
    }

    public T? Choice<T>(string key, Choices<T> choices)
        where T : struct
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        return choices.TryGetValue(text, out var value)
            ? value
            : throw Error(key, $"'{text}' is not one of {string.Join(", ", choices.Names)}{Suggest(text, choices.Names)}");
    }

    public ImmutableArray<string> StringList(string key)
    {
        var value = Node(key);
        switch (value)
        {
            case null:
                return [];
            case YamlScalarNode scalar:
                return IsNull(scalar) ? [] : [Substitute(key, scalar)];
            case YamlSequenceNode sequence:
                var items = ImmutableArray.CreateBuilder<string>(sequence.Children.Count);
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    if (sequence.Children[i] is not YamlScalarNode item)
                    {
                        throw new ConfigException(At(sequence.Children[i]), $"{KeyPath(key)}[{i}]", $"expected a single value, found a {Describe(sequence.Children[i])}");
                    }

                    items.Add(Substitute($"{key}[{i}]", item));
                }

                return items.MoveToImmutable();
            default:
                throw Error(key, $"expected a value or a list of values, found a {Describe(value)}");
        }
    }

    public YamlSection? Section(string key)
    {
        var value = Node(key);
        return value switch
        {
            null => null,
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlMappingNode mapping => new YamlSection(File, mapping, KeyPath(key), environment),
            _ => throw Error(key, $"expected a mapping of keys to values, found a {Describe(value)}"),
        };
    }

    public IReadOnlyList<YamlSection> SectionList(string key)
    {
        var value = Node(key);
        switch (value)
        {
            case null:
                return [];
            case YamlScalarNode scalar when IsNull(scalar):
                return [];
            case YamlSequenceNode sequence:
                var sections = new List<YamlSection>(sequence.Children.Count);
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    sections.Add(sequence.Children[i] is YamlMappingNode mapping
                        ? new YamlSection(File, mapping, $"{KeyPath(key)}[{i}]", environment)
                        : throw new ConfigException(At(sequence.Children[i]), $"{KeyPath(key)}[{i}]", $"expected a mapping of keys to values, found a {Describe(sequence.Children[i])}"));
                }

                return sections;
            default:
                throw Error(key, $"expected a list, found a {Describe(value)}");
        }
    }

    /// <summary>The entries of a mapping whose keys are names chosen by the user (column names, variables).</summary>
    public IEnumerable<(string Key, YamlNode Value, ConfigLocation Location)> Entries()
    {
        foreach (var (key, value) in node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? throw new ConfigException(At(key), KeyPath("?"), "keys must be plain text");
            read.Add(name);
            yield return (name, value, At(value));
        }
    }

    public YamlSection Child(string key, YamlMappingNode mapping) => new(File, mapping, KeyPath(Quote(key)), environment);

    public string ScalarText(string key, YamlNode value) =>
        value is YamlScalarNode scalar ? Substitute(key, scalar) : throw new ConfigException(At(value), KeyPath(Quote(key)), $"expected a single value, found a {Describe(value)}");

    /// <summary>Fails naming every key that was never read, each with the nearest known key.</summary>
    public void RejectUnknownKeys() => RejectUnknownKeys(read);

    /// <summary>Fails naming every key not in <paramref name="known"/>, each with the nearest known key.</summary>
    public void RejectUnknownKeys(IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var problems = new List<ConfigException>();
        foreach (var key in node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!known.Contains(name))
            {
                problems.Add(UnknownKey(At(key), KeyPath(name), name, known));
            }
        }

        if (problems.Count > 0)
        {
            throw ConfigException.Combine(problems);
        }
    }

    /// <summary>The one wording of an unknown key, with a did-you-mean and the keys allowed there.</summary>
    public static ConfigException UnknownKey(ConfigLocation location, string keyPath, string key, IEnumerable<string> known)
    {
        var sorted = known.Distinct().Order(StringComparer.Ordinal).ToList();
        return new ConfigException(location, keyPath, $"unknown key{Suggest(key, sorted)}. Known keys: {string.Join(", ", sorted)}");
    }

    /// <summary>
    /// The value of <paramref name="key"/> as plain data (for settings whose keys the user chooses, such as vars and
    /// folder configs): mappings become sorted dictionaries, lists arrays, scalars text, numbers or booleans.
    /// </summary>
    public object? Value(string key)
    {
        var value = Node(key);
        return value is null ? null : Plain(value, KeyPath(key));
    }

    /// <summary>A plain scalar's value typed as YAML 1.2's core schema does: null, true/false, integers, floats, else text.</summary>
    public static object? TypedScalar(string? value, bool quoted)
    {
        if (quoted)
        {
            return value ?? string.Empty;
        }

        switch (value)
        {
            case null or "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.') &&
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        return value;
    }

    /// <summary>Whether a scalar was written quoted or as a block, so its text is never typed as a number or boolean.</summary>
    public static bool IsQuoted(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;

    private object? Plain(YamlNode value, string path)
    {
        switch (value)
        {
            case YamlMappingNode mapping:
                var map = ImmutableSortedDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
                foreach (var (k, v) in mapping.Children)
                {
                    var name = (k as YamlScalarNode)?.Value ?? throw new ConfigException(At(k), path, "keys must be plain text");
                    map[name] = Plain(v, $"{path}.{Quote(name)}");
                }

                return map.ToImmutable();
            case YamlSequenceNode sequence:
                var items = ImmutableArray.CreateBuilder<object?>(sequence.Children.Count);
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    items.Add(Plain(sequence.Children[i], $"{path}[{i}]"));
                }

                return items.MoveToImmutable();
            case YamlScalarNode scalar:
                var text = scalar.Value is { } raw && raw.Contains("${", StringComparison.Ordinal) ? SubstituteAt(path, scalar) : scalar.Value;
                return TypedScalar(text, IsQuoted(scalar));
            default:
                return null;
        }
    }

    public static string Suggest(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(text.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, text.Length / 3) ? $" (did you mean '{best}'?)" : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string Quote(string key) => key.Contains('.', StringComparison.Ordinal) || key.Contains(' ', StringComparison.Ordinal) ? $"\"{key}\"" : key;

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && (scalar.Value is null or "" or "~" or "null");

    private string Describe() => Path.Length == 0 ? File : $"{Path} of {File}";

    private static string Describe(YamlNode value) => value switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };

    private static Exception Inner(YamlException e) => e.InnerException is YamlException inner ? Inner(inner) : e;

    private bool Find(string key, out YamlNode? keyNode, out YamlNode? value)
    {
        foreach (var (k, v) in node.Children)
        {
            if (k is YamlScalarNode scalar && string.Equals(scalar.Value, key, StringComparison.Ordinal))
            {
                keyNode = k;
                value = v;
                return true;
            }
        }

        keyNode = null;
        value = null;
        return false;
    }

    /// <summary>
    /// Replaces <c>${NAME}</c> (or <c>${NAME:-default}</c>) with the environment's value and <c>${secret:NAME}</c> with the
    /// stored secret's (both through the one lookup); <c>$${</c> keeps a literal <c>${</c>.
    /// </summary>
    private string Substitute(string key, YamlScalarNode scalar) => SubstituteAt(KeyPath(key), scalar);

    private string SubstituteAt(string keyPath, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                result.Append("${");
                i += 3;
                continue;
            }

            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0)
                {
                    throw new ConfigException(At(scalar), keyPath, "unclosed '${' in value (write $${ for a literal ${)");
                }

                var reference = text[(i + 2)..end];
                var defaultAt = reference.IndexOf(":-", StringComparison.Ordinal);
                var name = defaultAt < 0 ? reference : reference[..defaultAt];
                var secret = name.StartsWith(SecretReferences.Prefix, StringComparison.Ordinal) ? name[SecretReferences.Prefix.Length..] : null;
                string? value;
                try
                {
                    value = environment(name);
                }
                catch (Core.NagareException e) when (secret is not null && e is not ConfigException)
                {
                    throw new ConfigException(At(scalar), keyPath, $"secret '{secret}' cannot be read: {e.Message}");
                }

                if (string.IsNullOrEmpty(value))
                {
                    value = defaultAt >= 0 ? reference[(defaultAt + 2)..]
                        : throw new ConfigException(At(scalar), keyPath, secret is null ? $"environment variable {name} is not set"
                            : $"no secret '{secret}' in the metadata store; set it with PUT /api/v1/connections/NAME on the server (\"secrets\": {{...}}), or write the value through ${{ENV}} instead");
                }

                result.Append(value);
                i = end + 1;
                continue;
            }

            result.Append(text[i]);
            i++;
        }

        return result.ToString();
    }
}
