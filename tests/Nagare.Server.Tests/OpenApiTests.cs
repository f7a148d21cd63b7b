using System.Net;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>The OpenAPI document describes every endpoint the server maps, with who may call it.</summary>
public sealed class OpenApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly ServerHarness harness = fixture.Harness;

    [Fact]
    public async Task Document_ListsEveryOperationWithSchemasAndExamples()
    {
        var response = await harness.Anonymous().GetAsync("/api/v1/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        foreach (var operation in harness.Server.Operations)
        {
            var item = paths.GetProperty(operation.Route.Replace("{**", "{", StringComparison.Ordinal)).GetProperty(operation.Method.ToLowerInvariant());
            Assert.Matches("^[A-Za-z]+$", item.GetProperty("operationId").GetString()!);
            Assert.Equal(operation.Access.ToString().ToLowerInvariant(), item.GetProperty("x-nagare-access").GetString());
        }

        Assert.Equal(harness.Server.Operations.Count, harness.Server.Operations.Select(o => o.OperationId).Distinct(StringComparer.Ordinal).Count());
        var query = paths.GetProperty("/api/v1/query").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.Contains("mart_sales.orders", query.GetProperty("example").GetProperty("sql").GetString(), StringComparison.Ordinal);
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("QueryRequest");
        Assert.True(schema.GetProperty("properties").TryGetProperty("timeout_seconds", out _));
    }

    [Fact]
    public async Task Document_DescribesTheShapesTheWebUiReads()
    {
        var document = JsonDocument.Parse(await harness.Anonymous().GetStringAsync("/api/v1/openapi.json")).RootElement;
        var paths = document.GetProperty("paths");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var backfill = paths.GetProperty("/api/v1/pipelines/{name}/backfill").GetProperty("post");
        Assert.Equal(("run", "analyst"), (backfill.GetProperty("x-nagare-scope").GetString(), backfill.GetProperty("x-nagare-access").GetString()));
        var example = backfill.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal(("2026-11-01", "2026-11-07"), (example.GetProperty("from").GetString(), example.GetProperty("to").GetString()));
        Assert.True(backfill.GetProperty("responses").TryGetProperty("201", out _));
        Assert.Equal("#/components/schemas/DailyStats", paths.GetProperty("/api/v1/stats/daily").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/ConnectorList", paths.GetProperty("/api/v1/connectors").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var pipeline = schemas.GetProperty("PipelineList").GetProperty("properties").GetProperty("items").GetProperty("items").GetProperty("properties");
        foreach (var field in new[] { "deadline", "steps_detail", "next_run_at", "last_run", "steps", "file" })
        {
            Assert.True(pipeline.TryGetProperty(field, out _), field);
        }

        Assert.True(schemas.GetProperty("SessionView").GetProperty("properties").TryGetProperty("password_change_required", out _));
        var option = schemas.GetProperty("ConnectorList").GetProperty("properties").GetProperty("items").GetProperty("items").GetProperty("properties").GetProperty("options").GetProperty("items").GetProperty("properties");
        Assert.Contains("choice", option.GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var day = schemas.GetProperty("DailyStats").GetProperty("properties").GetProperty("items").GetProperty("items").GetProperty("properties");
        Assert.Equal(["date", "runs", "succeeded", "failed", "rows", "bytes"], day.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Health_AnswersAnonymously()
    {
        var health = JsonDocument.Parse(await harness.Anonymous().GetStringAsync("/api/v1/health")).RootElement;

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(1, health.GetProperty("pipelines").GetInt32());
    }

    [Fact]
    public async Task Metrics_PrometheusText()
    {
        await harness.As("viewer").GetAsync("/api/v1/runs");

        var text = await harness.As("viewer").GetStringAsync("/metrics");

        Assert.Contains("nagare_up 1", text, StringComparison.Ordinal);
        Assert.Contains("nagare_pipelines 1", text, StringComparison.Ordinal);
        Assert.Matches(@"nagare_http_responses_total\{code=""2xx""\} [1-9]", text);
    }
}
