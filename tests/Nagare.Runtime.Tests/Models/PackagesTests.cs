using System.Diagnostics;
using Nagare.Runtime.Models;
using Nagare.Runtime.Models.Packages;

namespace Nagare.Runtime.Tests.Models;

/// <summary>Packages: installed under dbt_packages/ (by hand or by deps from local, git and hub entries) and used by the project.</summary>
public sealed class PackagesTests : IDisposable
{
    private readonly TempProject _project = new();
    private readonly TempProject _outside = new();

    public void Dispose()
    {
        _project.Dispose();
        _outside.Dispose();
    }

    /// <summary>A package with macros that call each other unprefixed, a dispatched macro, a var default and a generic test.</summary>
    private static void WriteToolsPackage(TempProject project, string folder)
    {
        project
            .Write($"{folder}/dbt_project.yml", "name: tools\nvars:\n  tools_factor: 10\n  tools_label: from_package\n")
            .Write($"{folder}/macros/scale.sql", """
                {% macro scale(column) %}({{ column }} * {{ factor() }}){% endmacro %}
                {% macro factor() %}{{ var('tools_factor') }}{% endmacro %}
                {% macro label() %}'{{ var('tools_label') }}'{% endmacro %}
                {% macro shout(text) %}{{ return(adapter.dispatch('shout', 'tools')(text)) }}{% endmacro %}
                {% macro default__shout(text) %}upper({{ text }}){% endmacro %}
                """)
            .Write($"{folder}/macros/tests.sql", """
                {% test at_most(model, column_name, most) %}
                select * from {{ model }} where {{ column_name }} > {{ most }}
                {% endtest %}
                """);
    }

    [Fact]
    public void Build_InstalledPackage_MacrosVarsDispatchAndGenericTestsWork()
    {
        DbtProject.Write(_project, "shop", "vars:\n  tools_label: from_project\n");
        WriteToolsPackage(_project, "dbt_packages/tools");
        _project
            .Write("models/scaled.sql", "{{ config(materialized='table') }}\nselect {{ tools.scale('x') }} as x, {{ tools.label() }} as label, {{ tools.shout(\"'hi'\") }} as loud from (values (1), (2)) t(x)")
            .Write("models/scaled.yml", """
                models:
                  - name: scaled
                    columns:
                      - name: x
                        data_tests:
                          - tools.at_most: { most: 15 }
                          - at_most: { most: 100 }
                """);

        var results = _project.Build();

        Assert.Equal("10,20|from_project|HI", _project.Scalar("select string_agg(x::varchar, ',' order by x) || '|' || any_value(label) || '|' || any_value(loud) from main.scaled"));
        var failing = Assert.Single(results.Results, r => r.Status == NodeStatus.Fail);
        Assert.Equal("tools_at_most_scaled_x__15", failing.Name);
        Assert.Contains(results.Results, r => r.Name == "at_most_scaled_x__100" && r.Status == NodeStatus.Pass);
    }

    [Fact]
    public void Build_PackageModelsAndSeeds_AreBuiltWithTheProjectsConfigOverTheirOwn()
    {
        DbtProject.Write(_project, "shop", "models:\n  tools:\n    marts:\n      +schema: tools_marts\n");
        WriteToolsPackage(_project, "dbt_packages/tools");
        _project
            .Write("dbt_packages/tools/dbt_project.yml", "name: tools\nvars:\n  tools_factor: 10\n  tools_label: from_package\nmodels:\n  tools:\n    +materialized: table\n    marts:\n      +schema: ignored\n")
            .Write("dbt_packages/tools/seeds/tool_codes.csv", "code,factor\na,1\nb,2\n")
            .Write("dbt_packages/tools/models/marts/tool_totals.sql", "select code, {{ tools.scale('factor') }} as scaled from {{ ref('tool_codes') }}")
            .Write("dbt_packages/tools/models/marts/tool_totals.yml", "models:\n  - name: tool_totals\n    columns:\n      - name: code\n        data_tests: [unique, not_null]\n")
            .Write("models/uses_tools.sql", "select sum(scaled) as total from {{ ref('tools', 'tool_totals') }}");

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal("BASE TABLE", _project.Scalar("select table_type from information_schema.tables where table_schema = 'main_tools_marts' and table_name = 'tool_totals'"));
        Assert.Equal(30L, _project.Scalar("select total::bigint from main.uses_tools"));
        Assert.Equal(2, results.Results.Count(r => r.Name.EndsWith("_tool_totals_code", StringComparison.Ordinal) && r.Status == NodeStatus.Pass));
        var manifest = _project.Compile();
        Assert.Contains("model.tools.tool_totals", manifest.Nodes.Keys);
        Assert.Contains("seed.tools.tool_codes", manifest.Nodes.Keys);
    }

    [Fact]
    public void Build_DispatchSearchOrder_LetsTheProjectReplaceAPackageMacro()
    {
        DbtProject.Write(_project, "shop", "dispatch:\n  - macro_namespace: tools\n    search_order: [shop, tools]\n");
        WriteToolsPackage(_project, "dbt_packages/tools");
        _project
            .Write("macros/shout.sql", "{% macro duckdb__shout(text) %}{{ text }} || '!'{% endmacro %}")
            .Write("models/loud.sql", "{{ config(materialized='table') }}\nselect {{ tools.shout(\"'hi'\") }} as v");

        _project.Build();

        Assert.Equal("hi!", _project.Scalar("select v from main.loud"));
    }

    [Fact]
    public void Build_DispatchWithoutAnImplementation_NamesWhatWasSearched()
    {
        DbtProject.Write(_project, "shop");
        _project.Write("models/m.sql", "select {{ adapter.dispatch('nothing_here', 'dbt')() }}");

        var e = Assert.Throws<ModelProjectException>(() => _project.Build());

        Assert.Contains("no macro named 'nothing_here' for duckdb in namespace 'dbt'. Searched for: 'shop.duckdb__nothing_here', 'shop.default__nothing_here', 'dbt.duckdb__nothing_here', 'dbt.default__nothing_here'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deps_LocalPackage_IsLinkedAndLocked()
    {
        WriteToolsPackage(_outside, "tools");
        DbtProject.Write(_project, "shop");
        _project
            .Write("packages.yml", $"packages:\n  - local: {_outside.Root}/tools\n")
            .Write("models/m.sql", "{{ config(materialized='table') }}\nselect {{ tools.scale('2') }} as v");

        var installed = await new PackageInstaller(_project.Root).InstallAsync();

        Assert.Equal("tools", Assert.Single(installed).Name);
        Assert.NotNull(new DirectoryInfo(Path.Combine(_project.Root, "dbt_packages", "tools")).LinkTarget);
        Assert.Contains($"  - local: \"{_outside.Root}/tools\"", File.ReadAllText(Path.Combine(_project.Root, "package-lock.yml")), StringComparison.Ordinal);
        _project.Build();
        Assert.Equal(20L, _project.Scalar("select v::bigint from main.m"));
        Assert.True(File.Exists(Path.Combine(_outside.Root, "tools", "dbt_project.yml")));
    }

    [Fact]
    public async Task Deps_HubRange_PicksTheHighestTagInRange_AndTheLockKeepsIt()
    {
        var repo = Path.Combine(_outside.Root, "acme", "tool-kit");
        CreateTaggedRepository(repo, "0.9.0", "1.0.0", "1.2.0", "2.0.0");
        DbtProject.Write(_project, "shop");
        _project
            .Write("packages.yml", "packages:\n  - package: acme/tool_kit\n    version: [\">=1.0.0\", \"<2.0.0\"]\n")
            .Write("models/m.sql", "{{ config(materialized='table') }}\nselect {{ kit.version() }} as v");
        var hub = "file://" + _outside.Root + "/{org}/{repo}";

        var installed = await new PackageInstaller(_project.Root) { HubUrl = hub }.InstallAsync();

        Assert.Equal("1.2.0", Assert.Single(installed).Version);
        _project.Build();
        Assert.Equal("1.2.0", _project.Scalar("select v from main.m"));
        var lockText = File.ReadAllText(Path.Combine(_project.Root, "package-lock.yml"));
        Assert.Contains("  - package: \"acme/tool_kit\"\n    version: \"1.2.0\"\n    name: \"kit\"\n", lockText, StringComparison.Ordinal);

        AddTag(repo, "1.3.0");
        var again = await new PackageInstaller(_project.Root) { HubUrl = hub }.InstallAsync();
        var upgraded = await new PackageInstaller(_project.Root) { HubUrl = hub, Upgrade = true }.InstallAsync();

        Assert.Equal("1.2.0", Assert.Single(again).Version);
        Assert.Equal("1.3.0", Assert.Single(upgraded).Version);
    }

    [Fact]
    public async Task Deps_GitPackageWithRevisionAndSubdirectory_InstallsThatTree()
    {
        var repo = Path.Combine(_outside.Root, "mono");
        Directory.CreateDirectory(Path.Combine(repo, "packages", "kit", "macros"));
        File.WriteAllText(Path.Combine(repo, "packages", "kit", "dbt_project.yml"), "name: kit\n");
        File.WriteAllText(Path.Combine(repo, "packages", "kit", "macros", "v.sql"), "{% macro version() %}'first'{% endmacro %}");
        Git(repo, "init", "--quiet", "-b", "main");
        Git(repo, "add", ".");
        Git(repo, "commit", "--quiet", "-m", "first");
        Git(repo, "tag", "v1");
        File.WriteAllText(Path.Combine(repo, "packages", "kit", "macros", "v.sql"), "{% macro version() %}'second'{% endmacro %}");
        Git(repo, "commit", "--quiet", "-am", "second");
        DbtProject.Write(_project, "shop");
        _project
            .Write("packages.yml", $"packages:\n  - git: \"file://{repo}\"\n    revision: v1\n    subdirectory: packages/kit\n")
            .Write("models/m.sql", "{{ config(materialized='table') }}\nselect {{ kit.version() }} as v");

        var installed = await new PackageInstaller(_project.Root).InstallAsync();

        _project.Build();
        Assert.Equal("first", _project.Scalar("select v from main.m"));
        var commit = Git(repo, "rev-list", "-n", "1", "v1").Trim();
        Assert.Equal(commit, Assert.Single(installed).Pinned.Revision);
        Assert.False(Directory.Exists(Path.Combine(_project.Root, "dbt_packages", "kit", ".git")));
    }

    [Fact]
    public async Task Deps_NoTagInRange_FailsNamingTheEntry_AndKeepsInstalledPackages()
    {
        var repo = Path.Combine(_outside.Root, "acme", "tool-kit");
        CreateTaggedRepository(repo, "1.0.0");
        DbtProject.Write(_project, "shop");
        WriteToolsPackage(_project, "dbt_packages/tools");
        _project.Write("packages.yml", "packages:\n  - package: acme/tool_kit\n    version: \">=3.0.0\"\n");

        var e = await Assert.ThrowsAsync<ModelProjectException>(() => new PackageInstaller(_project.Root) { HubUrl = "file://" + _outside.Root + "/{org}/{repo}" }.InstallAsync());

        Assert.StartsWith("packages.yml:2: no version of acme/tool_kit meets >=3.0.0 (tags of file://", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_project.Root, "dbt_packages", "tools", "dbt_project.yml")));
    }

    [Theory]
    [InlineData("1.3.3", new[] { "1.3.3" }, true)]
    [InlineData("1.3.4", new[] { "1.3.3" }, false)]
    [InlineData("1.9.0", new[] { ">=1.0.0", "<2.0.0" }, true)]
    [InlineData("2.0.0", new[] { ">=1.0.0", "<2.0.0" }, false)]
    [InlineData("v0.17.1", new[] { ">0.17.0" }, true)]
    [InlineData("1.0.0-b1", new[] { ">=1.0.0" }, false)]
    public void Version_Satisfies_ReadsDbtConstraints(string version, string[] constraints, bool expected) =>
        Assert.Equal(expected, PackageVersion.TryParse(version)!.Satisfies(constraints));

    [Theory]
    [InlineData("dbt-labs/dbt_utils", "https://github.com/dbt-labs/dbt-utils.git")]
    [InlineData("godatadriven/dbt_date", "https://github.com/godatadriven/dbt-date.git")]
    [InlineData("acme/my_package", "https://github.com/acme/my-package.git")]
    public void HubUrl_UsesTheTableThenTheConvention(string package, string url) => Assert.Equal(url, PackageHub.Url(package));

    private static void CreateTaggedRepository(string repo, params string[] tags)
    {
        Directory.CreateDirectory(Path.Combine(repo, "macros"));
        File.WriteAllText(Path.Combine(repo, "dbt_project.yml"), "name: kit\n");
        Git(repo, "init", "--quiet", "-b", "main");
        foreach (var tag in tags)
        {
            AddTag(repo, tag);
        }
    }

    private static void AddTag(string repo, string tag)
    {
        File.WriteAllText(Path.Combine(repo, "macros", "version.sql"), $"{{% macro version() %}}'{tag}'{{% endmacro %}}");
        Git(repo, "add", ".");
        Git(repo, "commit", "--quiet", "-m", tag);
        Git(repo, "tag", tag);
    }

    private static string Git(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false" }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output;
    }
}
