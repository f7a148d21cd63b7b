using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Models;

/// <summary>A YAML mapping as plain values, remembering where each key was written so errors can name file, line and key.</summary>
internal sealed class YamlMap : Dictionary<string, object?>
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public YamlMap(string file, string path, int line)
        : base(StringComparer.Ordinal)
    {
        File = file;
        Path = path;
        Line = line;
    }

    public string File { get; }

    /// <summary>Dotted path of this mapping inside its file (empty at the top).</summary>
    public string Path { get; }

    public int Line { get; }

    public void Add(string key, object? value, int line)
    {
        this[key] = value;
        _lines[key] = line;
    }

    public int LineOf(string key) => _lines.TryGetValue(key, out var l) ? l : Line;

    public string KeyPath(string key) => Path.Length == 0 ? key : Path + "." + key;

    public ModelProjectException Error(string key, string message) =>
        new($"{File}:{LineOf(key)}: {KeyPath(key)}: {message}");

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
    public static YamlMap Load(string path, string displayName)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new ModelProjectException($"{displayName}: cannot read: {e.Message}", e);
        }

        return Parse(text, displayName);
    }

    public static YamlMap Parse(string text, string displayName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message is { } m && m != e.Message ? $" ({m})" : string.Empty;
            throw new ModelProjectException($"{displayName}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}{inner}", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new YamlMap(displayName, string.Empty, 1);
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            throw new ModelProjectException($"{displayName}:{root.Start.Line}: expected a mapping at the top of the file");
        }

        return (YamlMap)Convert(root, displayName, string.Empty)!;
    }

    private static object? Convert(YamlNode node, string file, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var result = new YamlMap(file, path, (int)node.Start.Line);
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? string.Empty : throw new ModelProjectException($"{file}:{k.Start.Line}: {path}: keys must be plain names");
                    result.Add(key, Convert(v, file, path.Length == 0 ? key : path + "." + key), (int)k.Start.Line);
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
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static object? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
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
}
