namespace Nagare.Runtime.Tests.Models;

/// <summary>Writes a minimal dbt project (dbt_project.yml and a DuckDB profiles.yml) into a temporary project.</summary>
internal static class DbtProject
{
    public static TempProject Write(TempProject project, string name, string extra = "") => project
        .Write("dbt_project.yml", $"name: {name}\nprofile: {name}\n{extra}")
        .Write("profiles.yml", $"{name}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n");
}
