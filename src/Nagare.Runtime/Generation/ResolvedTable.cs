using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>A catalog table joined with its rules: what one generated model (and its secret twin) is made from.</summary>
/// <param name="Table">The catalog table.</param>
/// <param name="Columns">Its columns with rules applied, in catalog order.</param>
/// <param name="Dedup">The dedup rule that won, or null.</param>
/// <param name="Partition">The partitioning rule that won, or null.</param>
/// <param name="ModelName">Name of the generated model (unique in a project): <c>schema__table</c>.</param>
/// <param name="TargetSchema">Schema the model is built in, e.g. <c>dwh_app</c>.</param>
/// <param name="SecretModelName">Name of the unmasked model.</param>
/// <param name="SecretSchema">Schema of the unmasked model, e.g. <c>dwh_app_secret</c>.</param>
/// <param name="RuleFiles">The sheets that contributed a rule, sorted.</param>
public sealed record ResolvedTable(
    CatalogTable Table,
    ImmutableArray<ResolvedColumn> Columns,
    DedupRule? Dedup,
    PartitionRule? Partition,
    string ModelName,
    string TargetSchema,
    string SecretModelName,
    string SecretSchema,
    ImmutableArray<string> RuleFiles)
{
    /// <summary>True when a column is masked, so a secret model is generated too.</summary>
    public bool IsMasked => Columns.Any(c => c.Mask is not null);
}
