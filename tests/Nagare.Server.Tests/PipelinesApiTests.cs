using System.Globalization;
using System.Net;
using System.Text.Json;
using Nagare.Runtime.Pipelines;

namespace Nagare.Server.Tests;

/// <summary>Pipelines as the UI lists them (steps, deadline, next and newest run), backfills, and the daily figures of runs.</summary>
public sealed class PipelinesApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync(root =>
    {
        Directory.CreateDirectory(Path.Combine(root, "sql"));
        Directory.CreateDirectory(Path.Combine(root, "connections"));
        File.WriteAllText(Path.Combine(root, "sql", "cleanup.sql"), "select 1\n");
        File.WriteAllText(Path.Combine(root, "connections", "scratch.yml"), "type: sqlite\npath: data/scratch.db\n");
        File.WriteAllText(Path.Combine(root, "pipelines", "nightly.yml"), """
            name: nightly
            description: Nightly load
            schedule:
              cron: "0 3 * * *"
              timezone: Asia/Tokyo
            params:
              region: apac
            deadline: { time: "08:00", max_duration: 90m }
            steps:
              - name: extract
                command: [sh, -c, "echo extract"]
              - name: load
                sql: "select 1"
                after: [extract]
                deadline: { max_duration: 30m }
              - sql_file: sql/cleanup.sql
                name: cleanup
                after: [load, extract]
              - name: report
                command: ["echo", "two words"]

            """);
        File.WriteAllText(Path.Combine(root, "pipelines", "broken.yml"), """
            steps:
              - name: fail
                command: [sh, -c, "exit 3"]

            """);
        File.WriteAllText(Path.Combine(root, "pipelines", "fill.yml"), """
            steps:
              - name: make
                sql: "create table if not exists numbers (n integer)"
                connection: scratch
              - name: insert
                sql: "insert into numbers (n) values (1), (2), (3), (4), (5)"
                connection: scratch
                after: [make]

            """);
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task List_ScheduledPipeline_DeadlineStepsAndNextRun()
    {
        var before = TimeProvider.System.GetUtcNow();
        var nightly = await PipelineAsync("nightly");

        Assert.Equal(("0 3 * * *", "Asia/Tokyo", "pipelines/nightly.yml"), (nightly.GetProperty("schedule").GetString(), nightly.GetProperty("time_zone").GetString(), nightly.GetProperty("file").GetString()));
        Assert.Equal(["extract", "load", "cleanup", "report"], nightly.GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("""{"time":"08:00","time_zone":"Asia/Tokyo","max_duration_seconds":5400}""", nightly.GetProperty("deadline").GetRawText());
        var steps = nightly.GetProperty("steps_detail").EnumerateArray().Select(s => s.GetRawText()).ToList();
        Assert.Equal(
            [
                """{"name":"extract","kind":"command","target":"sh -c \"echo extract\"","after":[],"deadline":null}""",
                """{"name":"load","kind":"sql","target":"select 1","after":["extract"],"deadline":{"time":null,"time_zone":"Asia/Tokyo","max_duration_seconds":1800}}""",
                """{"name":"cleanup","kind":"sql_file","target":"sql/cleanup.sql","after":["load","extract"],"deadline":null}""",
                """{"name":"report","kind":"command","target":"echo \"two words\"","after":[],"deadline":null}""",
            ],
            steps);
        var next = nightly.GetProperty("next_run_at").GetString()!;
        Assert.EndsWith("+09:00", next, StringComparison.Ordinal);
        var at = DateTimeOffset.Parse(next, CultureInfo.InvariantCulture);
        Assert.Equal((3, 0, 0, TimeSpan.FromHours(9)), (at.Hour, at.Minute, at.Second, at.Offset));
        Assert.InRange(at, before, before.AddDays(1).AddMinutes(1));
        Assert.Equal(JsonValueKind.Null, nightly.GetProperty("last_run").ValueKind);
    }

    [Fact]
    public async Task List_UnscheduledPipeline_NoNextRun_LastRunIsTheNewest()
    {
        var hello = await PipelineAsync("hello");
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null), (hello.GetProperty("deadline").ValueKind, hello.GetProperty("next_run_at").ValueKind, hello.GetProperty("last_run").ValueKind));
        Assert.Equal("""[{"name":"say","kind":"command","target":"sh -c \"echo hello {{ params.who }}; echo second line\"","after":[],"deadline":null}]""", hello.GetProperty("steps_detail").GetRawText());

        var first = await StartAsync("hello");
        await harness.Service.RunToEndAsync(first, new WorkerOptions { Slots = 1 }, CancellationToken.None);
        var second = await StartAsync("hello", """{"date":"2026-12-01"}""");

        var afterTwo = (await PipelineAsync("hello")).GetProperty("last_run");
        Assert.Equal((second, "2026-12-01", JsonValueKind.Null, JsonValueKind.Null), (afterTwo.GetProperty("id").GetInt64(), afterTwo.GetProperty("logical_date").GetString(), afterTwo.GetProperty("finished_at").ValueKind, afterTwo.GetProperty("slo").ValueKind));
        Assert.Contains(afterTwo.GetProperty("state").GetString(), new[] { "running", "queued" });

        var finished = await harness.Service.RunToEndAsync(second, new WorkerOptions { Slots = 1 }, CancellationToken.None);
        var last = (await PipelineAsync("hello")).GetProperty("last_run");
        Assert.Equal(("succeeded", finished.FinishedAt), (last.GetProperty("state").GetString(), (DateTimeOffset?)last.GetProperty("finished_at").GetDateTimeOffset()));
        var listed = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/pipelines")).RootElement.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(second, listed["hello"].GetProperty("last_run").GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Null, listed["nightly"].GetProperty("last_run").ValueKind);
        Assert.Equal(["broken", "fill", "hello", "nightly"], listed.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Backfill_ThreeDays_OneRunEach_AgainAnswersTheSameRuns()
    {
        var analyst = harness.As("analyst");

        var created = await analyst.PostAsync("/api/v1/pipelines/nightly/backfill", ServerHarness.Json("""{"from":"2026-11-01","to":"2026-11-03","params":{"region":"emea"}}"""));
        var again = await analyst.PostAsync("/api/v1/pipelines/nightly/backfill", ServerHarness.Json("""{"from":"2026-11-01","to":"2026-11-03","params":{"region":"emea"}}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var runs = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["2026-11-01", "2026-11-02", "2026-11-03"], runs.Select(r => r.GetProperty("logical_date").GetString()));
        Assert.All(runs, r => Assert.False(r.GetProperty("existing").GetBoolean()));
        var ids = runs.Select(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeated = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(ids, repeated.Select(r => r.GetProperty("id").GetInt64()));
        Assert.All(repeated, r => Assert.True(r.GetProperty("existing").GetBoolean()));

        var run = JsonDocument.Parse(await analyst.GetStringAsync($"/api/v1/runs/{ids[1]}")).RootElement.GetProperty("run");
        Assert.Equal(("backfill", "2026-11-02", "emea"), (run.GetProperty("trigger").GetString(), run.GetProperty("logical_date").GetString(), run.GetProperty("params").GetProperty("params").GetProperty("region").GetString()));
        Assert.Equal("2026-11-02T03:00:00+09:00", run.GetProperty("scheduled_at").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        var last = (await PipelineAsync("nightly")).GetProperty("last_run");
        Assert.Equal((ids[2], "2026-11-03"), (last.GetProperty("id").GetInt64(), last.GetProperty("logical_date").GetString()));
        var audit = JsonDocument.Parse(await harness.As("admin").GetStringAsync("/api/v1/audit?action=run.backfill")).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal(("analyst-user (token analyst-token)", "nightly 2026-11-01..2026-11-03", "allowed"), (audit[1].GetProperty("actor").GetString(), audit[1].GetProperty("target").GetString(), audit[1].GetProperty("outcome").GetString()));
        Assert.StartsWith("3 run(s) created, 0 existing", audit[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("0 run(s) created, 3 existing", audit[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"from":"2026-11-1","to":"2026-11-03"}""", "$.from", "from must be YYYY-MM-DD")]
    [InlineData("""{"from":"2026-11-01","to":"03/11/2026"}""", "$.to", "to must be YYYY-MM-DD")]
    [InlineData("""{"from":"2026-11-05","to":"2026-11-03"}""", "$.from", "the first date is after the last")]
    [InlineData("""{"from":"2000-01-01","to":"2030-01-01"}""", "$.to", "would create 10,959 runs; at most 10,000 are allowed at once")]
    [InlineData("""{"from":"2026-11-01","to":"2026-11-03","params":{"whom":"x"}}""", "$.params.whom", "no parameter 'whom'")]
    [InlineData("""{"from":"2026-11-01"}""", "$.to", "Required fields are missing")]
    public async Task Backfill_BadRequest_ProblemNamingTheField_NoRunMade(string body, string field, string detail)
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/pipelines/hello/backfill", ServerHarness.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServerHarness.ProblemAsync(response);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/runs")).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Backfill_UnknownPipeline_NotFound_ViewerRefused()
    {
        var body = """{"from":"2026-11-01","to":"2026-11-03"}""";

        Assert.Equal(HttpStatusCode.NotFound, (await harness.As("analyst").PostAsync("/api/v1/pipelines/nope/backfill", ServerHarness.Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await harness.As("viewer").PostAsync("/api/v1/pipelines/hello/backfill", ServerHarness.Json(body))).StatusCode);
    }

    [Fact]
    public async Task DailyStats_RealRuns_CountedOnTodayWithRowsAndEveryEarlierDayZero()
    {
        foreach (var pipeline in new[] { "hello", "broken", "fill" })
        {
            await harness.Service.RunToEndAsync(await StartAsync(pipeline), new WorkerOptions { Slots = 1 }, CancellationToken.None);
        }

        var cancelled = await StartAsync("hello");
        Assert.Equal(HttpStatusCode.OK, (await harness.As("analyst").PostAsync($"/api/v1/runs/{cancelled}/cancel", null)).StatusCode);
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

        var items = (await StatsAsync(string.Empty)).EnumerateArray().ToList();

        Assert.Equal(14, items.Count);
        Assert.Equal(Enumerable.Range(0, 14).Select(i => today.AddDays(i - 13).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), items.Select(i => i.GetProperty("date").GetString()));
        Assert.Equal($$"""{"date":"{{today:yyyy-MM-dd}}","runs":4,"succeeded":2,"failed":1,"rows":5,"bytes":0}""", items[^1].GetRawText());
        Assert.All(items.Take(13), i => Assert.Equal((0, 0, 0, 0L, 0L), (i.GetProperty("runs").GetInt32(), i.GetProperty("succeeded").GetInt32(), i.GetProperty("failed").GetInt32(), i.GetProperty("rows").GetInt64(), i.GetProperty("bytes").GetInt64())));
        Assert.Equal([today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)], (await StatsAsync("?days=1")).EnumerateArray().Select(i => i.GetProperty("date").GetString()));
        Assert.Equal(366, (await StatsAsync("?days=366")).GetArrayLength());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("367")]
    [InlineData("-1")]
    [InlineData("two")]
    public async Task DailyStats_DaysOutOfRange_ProblemNamingDays(string days)
    {
        var response = await harness.As("viewer").GetAsync($"/api/v1/stats/daily?days={days}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServerHarness.ProblemAsync(response);
        Assert.Equal("days", problem.GetProperty("field").GetString());
        Assert.Contains("from 1 to 366", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> PipelineAsync(string name) =>
        JsonDocument.Parse(await harness.As("viewer").GetStringAsync($"/api/v1/pipelines/{name}")).RootElement;

    private async Task<JsonElement> StatsAsync(string query) =>
        JsonDocument.Parse(await harness.As("viewer").GetStringAsync($"/api/v1/stats/daily{query}")).RootElement.GetProperty("items");

    private async Task<long> StartAsync(string pipeline, string body = "{}")
    {
        var started = await harness.As("analyst").PostAsync($"/api/v1/pipelines/{pipeline}/runs", ServerHarness.Json(body));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }
}
