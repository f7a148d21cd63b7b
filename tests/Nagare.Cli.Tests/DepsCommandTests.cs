namespace Nagare.Cli.Tests;

/// <summary><c>nagare deps</c> then <c>nagare build</c> on a dbt project whose package lives in a local folder.</summary>
public sealed class DepsCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-deps-" + Guid.NewGuid().ToString("N"));

    public DepsCommandTests()
    {
        Write("tools/dbt_project.yml", "name: tools\n");
        Write("tools/macros/twice.sql", "{% macro twice(x) %}({{ x }} * 2){% endmacro %}");
        Write("shop/dbt_project.yml", "name: shop\nprofile: shop\n");
        Write("shop/profiles.yml", "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n");
        Write("shop/packages.yml", "packages:\n  - local: ../tools\n");
        Write("shop/models/doubled.sql", "{{ config(materialized='table') }}\nselect {{ tools.twice(21) }} as v");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public async Task Deps_ThenBuild_UsesTheInstalledPackage()
    {
        var project = Path.Combine(_dir, "shop");

        var deps = await CliRun.RunAsync("deps", "--project", project);
        var build = await CliRun.RunAsync("build", "--project", project);

        Assert.True(deps.ExitCode == 0, deps.Out + deps.Error);
        Assert.Equal("installed tools ../tools\n1 package(s) installed; pinned in package-lock.yml\n", deps.Out);
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        Assert.Contains("OK=1", build.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deps_EntryWithoutSource_FailsNamingFileAndLine()
    {
        Write("shop/packages.yml", "packages:\n  - version: 1.0.0\n");

        var run = await CliRun.RunAsync("deps", "--project", Path.Combine(_dir, "shop"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("packages.yml", run.Error, StringComparison.Ordinal);
        Assert.Contains("entry 1 (line 2): expected one of 'package:', 'git:' or 'local:'", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "shop", "dbt_packages")));
    }
}
