namespace Nagare.Runtime.Models.Packages;

/// <summary>
/// Where a hub package (<c>package: org/name</c>) is fetched from. dbt's hub only points at GitHub repositories, so
/// Nagare keeps that pointer itself: a table for common packages whose repository is named differently, else the
/// convention <c>https://github.com/org/name-with-hyphens.git</c>. The versions are the repository's tags.
/// </summary>
public static class PackageHub
{
    /// <summary>Hub name → repository (org/repo) where the convention does not hold.</summary>
    public static IReadOnlyDictionary<string, string> Known { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["dbt-labs/dbt_utils"] = "dbt-labs/dbt-utils",
        ["dbt-labs/codegen"] = "dbt-labs/dbt-codegen",
        ["dbt-labs/audit_helper"] = "dbt-labs/dbt-audit-helper",
        ["dbt-labs/dbt_external_tables"] = "dbt-labs/dbt-external-tables",
        ["dbt-labs/dbt_project_evaluator"] = "dbt-labs/dbt-project-evaluator",
        ["dbt-labs/spark_utils"] = "dbt-labs/spark-utils",
        ["dbt-labs/metrics"] = "dbt-labs/dbt_metrics",
        ["godatadriven/dbt_date"] = "godatadriven/dbt-date",
        ["calogica/dbt_date"] = "calogica/dbt-date",
        ["calogica/dbt_expectations"] = "calogica/dbt-expectations",
        ["metaplane/dbt_expectations"] = "metaplane/dbt-expectations",
        ["elementary-data/elementary"] = "elementary-data/dbt-data-reliability",
        ["Snowflake-Labs/dbt_constraints"] = "Snowflake-Labs/dbt_constraints",
        ["fivetran/fivetran_utils"] = "fivetran/dbt_fivetran_utils",
        ["data-mie/dbt_profiler"] = "data-mie/dbt-profiler",
        ["brooklyn-data/dbt_artifacts"] = "brooklyn-data/dbt_artifacts",
        ["tnightengale/dbt_meta_testing"] = "tnightengale/dbt-meta-testing",
    };

    /// <summary>
    /// The git URL of a hub package. <paramref name="template"/> (e.g. <c>file:///mirror/{org}/{repo}.git</c>, from
    /// <c>nagare deps --hub-url</c>) replaces GitHub; <c>{org}</c>, <c>{repo}</c> and <c>{name}</c> are filled in.
    /// </summary>
    /// <exception cref="ModelProjectException">The name is not of the form org/name.</exception>
    public static string Url(string package, string? template = null)
    {
        var slash = package.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == package.Length - 1 || package.IndexOf('/', slash + 1) >= 0)
        {
            throw new ModelProjectException($"package '{package}' is not of the form org/name (as on hub.getdbt.com)");
        }

        var repository = Known.TryGetValue(package, out var known) ? known : package[..slash] + "/" + package[(slash + 1)..].Replace('_', '-');
        var org = repository[..repository.IndexOf('/', StringComparison.Ordinal)];
        var repo = repository[(org.Length + 1)..];
        return (template ?? "https://github.com/{org}/{repo}.git")
            .Replace("{org}", org, StringComparison.Ordinal)
            .Replace("{repo}", repo, StringComparison.Ordinal)
            .Replace("{name}", package[(slash + 1)..], StringComparison.Ordinal);
    }
}
