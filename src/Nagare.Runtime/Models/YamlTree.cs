using System.Globalization;
using Nagare.Runtime.Configuration;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Models;

/// <summary>A YAML mapping as plain values, remembering where each key was written so errors can name file, line, column and key.</summary>
internal sealed class YamlMap : Dictionary<string, object?>
{
    private readonly Dictionary<string, ConfigLocation> _locations = new(StringComparer.Ordinal);

    public YamlMap(string file, string path, int line, int column = 1)
        : base(StringComparer.Ordinal)
    {
        File = file;
        Path = path;
        Line = line;
        Column = column;
    }

    public string File { get; }

    /// <summary>Dotted path of this mapping inside its file (empty at the top).</summary>
    public string Path { get; }

    public int Line { get; }

    public int Column { get; }

    public void Add(string key, object? value, int line, int column)
    {
        this[key] = value;
        _locations[key] = new ConfigLocation(File, line, column);
    }

    public int LineOf(string key) => LocationOf(key).Line;

    public ConfigLocation LocationOf(string key) => _locations.TryGetValue(key, out var l) ? l : new ConfigLocation(File, Line, Column);

    public string KeyPath(string key) => Path.Length == 0 ? key : Path + "." + key;

    public ConfigException Error(string key, string message) => new(LocationOf(key), KeyPath(key), message);

    /// <summary>Fails naming every key not in <paramref name="known"/>, each with the nearest known key.</summary>
    public void RejectUnknownKeys(IReadOnlyCollection<string> known)
    {
        var problems = Keys.Where(k => !known.Contains(k)).Select(k => YamlSection.UnknownKey(LocationOf(k), KeyPath(k), k, known)).ToList();
        if (problems.Count > 0)
        {
            throw ConfigException.Combine(problems);
        }
    }
    public string? String(string key)
    {
        if (!TryGetValue(key, out var v) || v is null)
        {
            return null;
        }

        return v switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            long or double => Convert.ToString(v, CultureInfo.InvariantCulture),
            _ => throw Error(key, "expected a text value"),
        };
    }

    public YamlMap? Map(string key)
    {
        if (!TryGetValue(key, out var v) || v is null)
        {
            return null;
        }

        return v as YamlMap ?? throw Error(key, "expected a mapping (key: value lines)");
    }

    public List<object?>? List(string key)
    {
        if (!TryGetValue(key, out var v) || v is null)
        {
            return null;
        }

        return v as List<object?> ?? throw Error(key, "expected a list");
    }

    /// <summary>A string or a list of strings.</summary>
    public List<string>? StringList(string key)
    {
        if (!TryGetValue(key, out var v) || v is null)
        {
            return null;
        }

        if (v is string s)
        {
            return [s];
        }

        if (v is List<object?> list)
        {
            return [.. list.Select(x => x as string ?? Convert.ToString(x, CultureInfo.InvariantCulture) ?? throw Error(key, "expected a list of names"))];
        }

        throw Error(key, "expected a name or a list of names");
    }

    public int? Int(string key)
    {
        if (!TryGetValue(key, out var v) || v is null)
        {
            return null;
        }

        return v is long l and >= int.MinValue and <= int.MaxValue ? (int)l : throw Error(key, "expected a whole number");
    }
}

/// <summary>Reads YAML files into <see cref="YamlMap"/>, lists and scalars (string, long, double, bool, null).</summary>
internal static class YamlTree
{
    public static YamlMap Load(string path, string displayName) =>
        From(YamlSection.ParseRoot(path, displayName), displayName);

    public static YamlMap Parse(string text, string displayName) =>
        From(YamlSection.ParseRoot(new StringReader(text), displayName), displayName);

    /// <summary>Plain data read by <see cref="YamlSection.Value"/> (sorted dictionaries and arrays) as the maps and lists models use.</summary>
    public static object? FromPlain(object? value, string file, string path) => value switch
    {
        IReadOnlyDictionary<string, object?> map => FromPlainMap(map, file, path),
        System.Collections.Immutable.ImmutableArray<object?> items => items.Select((v, i) => FromPlain(v, file, $"{path}[{i}]")).ToList(),
        _ => value,
    };

    public static YamlMap FromPlainMap(IReadOnlyDictionary<string, object?>? map, string file, string path)
    {
        var result = new YamlMap(file, path, 1);
        foreach (var (k, v) in map ?? System.Collections.Immutable.ImmutableSortedDictionary<string, object?>.Empty)
        {
            result.Add(k, FromPlain(v, file, path.Length == 0 ? k : path + "." + k), 1, 1);
        }

        return result;
    }

    private static YamlMap From(YamlMappingNode? root, string displayName) =>
        root is null ? new YamlMap(displayName, string.Empty, 1) : (YamlMap)Convert(root, displayName, string.Empty)!;

    private static object? Convert(YamlNode node, string file, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var result = new YamlMap(file, path, (int)node.Start.Line, (int)node.Start.Column);
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? string.Empty : throw new ConfigException(new ConfigLocation(file, (int)k.Start.Line, (int)k.Start.Column), path, "keys must be plain names");
                    result.Add(key, Convert(v, file, path.Length == 0 ? key : path + "." + key), (int)k.Start.Line, (int)k.Start.Column);
                }

                return result;
            case YamlSequenceNode seq:
                var list = new List<object?>(seq.Children.Count);
                var i = 0;
                foreach (var item in seq.Children)
                {
                    list.Add(Convert(item, file, $"{path}[{i++}]"));
                }

                return list;
            case YamlScalarNode scalar:
                return YamlSection.TypedScalar(scalar.Value, YamlSection.IsQuoted(scalar));
            default:
                return null;
        }
    }
}
