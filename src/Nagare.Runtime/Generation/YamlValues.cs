using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Generation;

/// <summary>Turns free-form YAML (template parameters) into values templates understand.</summary>
internal static class YamlValues
{
    public static ImmutableSortedDictionary<string, object?> ToParams(YamlNode? node, string file)
    {
        if (node is null || node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return ImmutableSortedDictionary.Create<string, object?>(StringComparer.Ordinal);
        }

        if (node is not YamlMappingNode mapping)
        {
            throw new GenerationException(file, (int)node.Start.Line, (int)node.Start.Column, "params must be a mapping of names to values");
        }

        return ((Dictionary<string, object?>)ToObject(mapping)!).ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    public static object? ToObject(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value ?? string.Empty, e => ToObject(e.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(ToObject).ToList(),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted } q => q.Value,
        YamlScalarNode { Value: null or "~" or "null" or "" } => null,
        YamlScalarNode { Value: "true" or "True" or "TRUE" } => true,
        YamlScalarNode { Value: "false" or "False" or "FALSE" } => false,
        YamlScalarNode q when long.TryParse(q.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        YamlScalarNode q when double.TryParse(q.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && q.Value!.Contains('.', StringComparison.Ordinal) => d,
        YamlScalarNode q => q.Value,
        _ => null,
    };
}
