using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Naming and parameters of generated models, from the optional <c>generate.yml</c> next to the rule sheets.
/// </summary>
/// <param name="SourceLayer">Prefix of lake schemas (default <c>lake</c>): <c>lake_app</c> becomes <c>dwh_app</c>.</param>
/// <param name="TargetLayer">Prefix of generated schemas (default <c>dwh</c>).</param>
/// <param name="SecretSuffix">Suffix of the schema holding unmasked copies (default <c>_secret</c>).</param>
/// <param name="Materialized">Materialization written into each model's config (default <c>table</c>).</param>
/// <param name="Params">Free parameters handed to templates as <c>params</c>.</param>
public sealed record GenerationSettings(
    string SourceLayer,
    string TargetLayer,
    string SecretSuffix,
    string Materialized,
    ImmutableSortedDictionary<string, object?> Params)
{
    /// <summary>lake → dwh, <c>_secret</c>, tables, no params.</summary>
    public static GenerationSettings Default { get; } = new("lake", "dwh", "_secret", "table", ImmutableSortedDictionary.Create<string, object?>(StringComparer.Ordinal));

    /// <summary>The schema generated models of <paramref name="sourceSchema"/> are written to.</summary>
    public string TargetSchema(string sourceSchema)
    {
        ArgumentNullException.ThrowIfNull(sourceSchema);
        var prefix = SourceLayer + "_";
        return sourceSchema.StartsWith(prefix, StringComparison.Ordinal) && sourceSchema.Length > prefix.Length
            ? TargetLayer + "_" + sourceSchema[prefix.Length..]
            : TargetLayer + "_" + sourceSchema;
    }
}
