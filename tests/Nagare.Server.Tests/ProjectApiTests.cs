using System.Net;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>Configuration as code on the server: its project files, and changes applied all or nothing after the project is checked.</summary>
public sealed class ProjectApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Files_ListsConfigurationNotTheWarehouseOrKeys()
    {
        var files = JsonDocument.Parse(await harness.As("editor").GetStringAsync("/api/v1/project/files")).RootElement.GetProperty("items");

        Assert.Equal(["nagare.yml", "pipelines/hello.yml"], files.EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        var content = await harness.As("editor").GetStringAsync("/api/v1/project/files/pipelines/hello.yml");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(harness.Root, "pipelines", "hello.yml")), content);
    }

    [Fact]
    public async Task Apply_NewPipeline_WrittenAndServedAtOnce()
    {
        var response = await ApplyAsync(new { files = new Dictionary<string, string> { ["pipelines/later.yml"] = "name: later\nsteps:\n  - command: [sh, -c, \"true\"]\n" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(harness.Root, "pipelines", "later.yml")));
        var pipelines = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/pipelines")).RootElement.GetProperty("items");
        Assert.Contains(pipelines.EnumerateArray(), p => p.GetProperty("name").GetString() == "later");
    }

    [Fact]
    public async Task Apply_OneBrokenFile_NothingWritten_ProblemNamesTheFile()
    {
        var response = await ApplyAsync(new
        {
            files = new Dictionary<string, string>
            {
                ["pipelines/good.yml"] = "name: good\nsteps:\n  - command: [sh, -c, \"true\"]\n",
                ["pipelines/bad.yml"] = "name: bad\nsteps:\n  - command: [sh, -c, \"true\"]\n    afterr: [x]\n",
            },
        });

        var problem = await ServerHarness.ProblemAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.GetRawText());
        Assert.True(problem.GetProperty("field").GetString() == "$.files['pipelines/bad.yml']", problem.GetRawText());
        Assert.Contains("afterr", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(harness.Root, "pipelines", "good.yml")));
    }

    [Fact]
    public async Task Apply_FileChangedSinceThePlan_Conflict_NothingWritten()
    {
        var before = await File.ReadAllTextAsync(Path.Combine(harness.Root, "pipelines", "hello.yml"));

        var response = await ApplyAsync(new
        {
            files = new Dictionary<string, string> { ["pipelines/hello.yml"] = "name: hello\nsteps:\n  - command: [sh, -c, \"true\"]\n" },
            @base = new Dictionary<string, string> { ["pipelines/hello.yml"] = new string('0', 64) },
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(harness.Root, "pipelines", "hello.yml")));
    }

    [Theory]
    [InlineData("../outside.yml")]
    [InlineData("/etc/nagare.yml")]
    [InlineData(".nagare/server.yml")]
    [InlineData("connections/profiles.yml")]
    [InlineData("pipelines/run.sh")]
    public async Task Apply_PathOutsideTheProjectFiles_Refused(string path)
    {
        var response = await ApplyAsync(new { files = new Dictionary<string, string> { [path] = "name: x\n" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"$.files['{path}']", (await ServerHarness.ProblemAsync(response)).GetProperty("field").GetString());
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(harness.Root, path))));
    }

    [Fact]
    public async Task Apply_ProjectLargerThanOtherRequests_Taken()
    {
        var notes = new string('x', 3 << 20);

        var response = await ApplyAsync(new { files = new Dictionary<string, string> { ["docs/notes.md"] = notes } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(notes.Length, new FileInfo(Path.Combine(harness.Root, "docs", "notes.md")).Length);
    }

    private Task<HttpResponseMessage> ApplyAsync(object body) =>
        harness.As("editor").PostAsync("/api/v1/project/apply", ServerHarness.Json(JsonSerializer.Serialize(body)));
}
