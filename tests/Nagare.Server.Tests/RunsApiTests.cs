using System.Net;
using System.Text.Json;
using Nagare.Runtime.Pipelines;

namespace Nagare.Server.Tests;

/// <summary>Starting runs with parameters and idempotency keys, reading them and their logs (also streamed), cancel and re-run.</summary>
public sealed class RunsApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task StartRun_WithParam_RunsAndLogsTheValue()
    {
        var analyst = harness.As("analyst");
        var started = await analyst.PostAsync("/api/v1/pipelines/hello/runs", ServerHarness.Json("""{"params":{"who":"nagare"}}"""));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/runs/{id}", started.Headers.Location!.OriginalString);

        var finished = await harness.Service.RunToEndAsync(id, new WorkerOptions { Slots = 1 }, CancellationToken.None);

        Assert.Equal("succeeded", finished.State);
        var run = JsonDocument.Parse(await analyst.GetStringAsync($"/api/v1/runs/{id}")).RootElement;
        Assert.Equal("succeeded", run.GetProperty("run").GetProperty("state").GetString());
        Assert.Equal("nagare", run.GetProperty("run").GetProperty("params").GetProperty("params").GetProperty("who").GetString());
        var logs = JsonDocument.Parse(await analyst.GetStringAsync($"/api/v1/runs/{id}/logs")).RootElement.GetProperty("items");
        Assert.Equal(["hello nagare", "second line"], logs.EnumerateArray().Select(l => l.GetProperty("line").GetString()));
    }

    [Fact]
    public async Task StartRun_SameIdempotencyKey_SameRun()
    {
        var analyst = harness.As("analyst");
        var request = () => new HttpRequestMessage(HttpMethod.Post, "/api/v1/pipelines/hello/runs") { Content = ServerHarness.Json("{}"), Headers = { { "Idempotency-Key", "nightly-1" } } };

        var first = await analyst.SendAsync(request());
        var second = await analyst.SendAsync(request());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        var b = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(a.GetProperty("id").GetInt64(), b.GetProperty("id").GetInt64());
        Assert.True(b.GetProperty("existing").GetBoolean());
    }

    [Fact]
    public async Task StartRun_UnknownParam_ProblemNamingIt()
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/pipelines/hello/runs", ServerHarness.Json("""{"params":{"whom":"x"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("whom", (await ServerHarness.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/runs")).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Logs_EventStream_SendsEveryLineThenEnd()
    {
        var analyst = harness.As("analyst");
        var id = JsonDocument.Parse(await (await analyst.PostAsync("/api/v1/pipelines/hello/runs", ServerHarness.Json("{}"))).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/runs/{id}/logs");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await analyst.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reading = response.Content.ReadAsStringAsync();

        await harness.Service.RunToEndAsync(id, new WorkerOptions { Slots = 1 }, CancellationToken.None);
        var stream = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("\"line\":\"hello world\"", stream, StringComparison.Ordinal);
        Assert.Contains("\"line\":\"second line\"", stream, StringComparison.Ordinal);
        Assert.EndsWith("event: end\ndata: {\"state\":\"succeeded\"}\n\n", stream, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_QueuedRun_Cancelled_SecondCancel_Conflict()
    {
        var analyst = harness.As("analyst");
        var id = JsonDocument.Parse(await (await analyst.PostAsync("/api/v1/pipelines/hello/runs", ServerHarness.Json("{}"))).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        var cancel = await analyst.PostAsync($"/api/v1/runs/{id}/cancel", null);
        var again = await analyst.PostAsync($"/api/v1/runs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task ListRuns_Pages()
    {
        var analyst = harness.As("analyst");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await analyst.PostAsync("/api/v1/pipelines/hello/runs", ServerHarness.Json("{}"))).StatusCode);
        }

        var page = JsonDocument.Parse(await analyst.GetStringAsync("/api/v1/runs?limit=2")).RootElement;
        var next = page.GetProperty("next").GetString()!;
        var rest = JsonDocument.Parse(await analyst.GetStringAsync(next)).RootElement;

        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(1, rest.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("items")[1].GetProperty("id").GetInt64() > rest.GetProperty("items")[0].GetProperty("id").GetInt64());
    }
}
