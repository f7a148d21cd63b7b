namespace Nagare.Runtime.Models;

/// <summary>Which kind of project file described the models.</summary>
public enum ProjectFlavor
{
    /// <summary>A <c>nagare.yml</c> project: layer schemas by folder (lake_*, dwh_*, mart_*), targets in the same file.</summary>
    Nagare,

    /// <summary>A dbt project: <c>dbt_project.yml</c> plus a dbt-duckdb <c>profiles.yml</c>.</summary>
    Dbt,
}
