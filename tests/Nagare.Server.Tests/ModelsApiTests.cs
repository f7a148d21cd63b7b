using System.Net;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>Models through the API: compiled, previewed under the caller's grants, and written one file at a time with versions.</summary>
public sealed class ModelsApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync(root =>
    {
        Directory.CreateDirectory(Path.Combine(root, "models"));
        File.WriteAllText(Path.Combine(root, "models", "orders_by_region.sql"), "{{ config(materialized='table') }}\nselect region, sum(amount) as total from mart_sales.orders group by region\n");
        File.WriteAllText(Path.Combine(root, "models", "customer_emails.sql"), "select email from dwh_secret.customers\n");
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Models_ListedAndCompiled()
    {
        var list = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/models")).RootElement.GetProperty("items");
        var detail = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/models/orders_by_region")).RootElement;

        Assert.Equal(["customer_emails", "orders_by_region"], list.EnumerateArray().Select(m => m.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("table", detail.GetProperty("model").GetProperty("materialized").GetString());
        Assert.Contains("{{ config", detail.GetProperty("raw_sql").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("{{", detail.GetProperty("compiled_sql").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_CompiledOnceAndAgainWhenAFileChanges()
    {
        var viewer = harness.As("viewer");
        var file = Path.Combine(harness.Service.Project.Root, "models", "edited.sql");
        await File.WriteAllTextAsync(file, "select 1 as version\n");
        var first = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/models/edited")).RootElement;
        Assert.Contains("select 1 as version", first.GetProperty("compiled_sql").GetString(), StringComparison.Ordinal);

        // Edited by hand on disk: the next answer compiles the new text, and a model removed is gone.
        await File.WriteAllTextAsync(file, "select 2 as version, 'longer' as text\n");
        var second = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/models/edited")).RootElement;
        Assert.Contains("select 2 as version", second.GetProperty("compiled_sql").GetString(), StringComparison.Ordinal);
        File.Delete(file);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await viewer.GetAsync("/api/v1/models/edited")).StatusCode);

        // Requests at once share one compile and agree.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => viewer.GetStringAsync("/api/v1/models")));
        Assert.Single(answers.Distinct(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Preview_RunsTheCompiledQueryUnderTheCallersGrants()
    {
        var granted = await harness.As("analyst").PostAsync("/api/v1/models/orders_by_region/preview", ServerHarness.Json("{}"));
        var secret = await harness.As("analyst").PostAsync("/api/v1/models/customer_emails/preview", ServerHarness.Json("{}"));

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await granted.Content.ReadAsStringAsync()).RootElement.GetProperty("row_count").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, secret.StatusCode);
        Assert.DoesNotContain("hanako", await secret.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutFile_CreateThenReplaceOnlyAtTheVersionRead()
    {
        var editor = harness.As("editor");
        var created = await editor.PutAsync("/api/v1/project/files/models/tokyo.sql", ServerHarness.Json("""{"content":"select * from mart_sales.orders where region = 'tokyo'\n"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!;

        var blind = await editor.PutAsync("/api/v1/project/files/models/tokyo.sql", ServerHarness.Json("""{"content":"select 1\n"}"""));
        var first = new HttpRequestMessage(HttpMethod.Put, "/api/v1/project/files/models/tokyo.sql") { Content = ServerHarness.Json("""{"content":"select id from mart_sales.orders where region = 'tokyo'\n"}""") };
        first.Headers.IfMatch.Add(etag);
        var replaced = await editor.SendAsync(first);
        var second = new HttpRequestMessage(HttpMethod.Put, "/api/v1/project/files/models/tokyo.sql") { Content = ServerHarness.Json("""{"content":"select 2\n"}""") };
        second.Headers.IfMatch.Add(etag);
        var stale = await editor.SendAsync(second);

        Assert.Equal(HttpStatusCode.PreconditionRequired, blind.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("select id from mart_sales.orders where region = 'tokyo'\n", await File.ReadAllTextAsync(Path.Combine(harness.Root, "models", "tokyo.sql")));
        var preview = await harness.As("analyst").PostAsync("/api/v1/models/tokyo/preview", ServerHarness.Json("""{"limit":10}"""));
        Assert.Equal(2, JsonDocument.Parse(await preview.Content.ReadAsStringAsync()).RootElement.GetProperty("row_count").GetInt32());
    }
}
