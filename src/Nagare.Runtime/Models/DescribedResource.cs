namespace Nagare.Runtime.Models;

/// <summary>
/// An exposure, metric, semantic model or saved query from a property file: read and written to the manifest (with
/// the nodes it depends on) so documentation and lineage show it; nothing runs it.
/// </summary>
/// <param name="Kind">dbt's section name: <c>exposures</c>, <c>metrics</c>, <c>semantic_models</c> or <c>saved_queries</c>.</param>
/// <param name="UniqueId">dbt-style id, e.g. <c>exposure.shop.weekly_report</c>.</param>
/// <param name="Name">Its <c>name:</c>.</param>
/// <param name="Path">The property file, relative to the project root.</param>
/// <param name="Description">Its <c>description:</c>, if any.</param>
/// <param name="Properties">Every key as written.</param>
/// <param name="DependsOn">Unique ids of the models, seeds, snapshots or sources it names (<c>depends_on</c>, <c>model</c>).</param>
public sealed record DescribedResource(
    string Kind,
    string UniqueId,
    string Name,
    string Path,
    string? Description,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyList<string> DependsOn);
