using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Server.Tests;

/// <summary>Connections through the API: files written back with secret references, secrets sealed in the store and shown nowhere.</summary>
public sealed class ConnectionsApiTests : IAsyncLifetime
{
    private const string Password = "pg-Pa55word-never-shown-7f3a";

    private ServerHarness harness = null!;

    public async Task InitializeAsync()
    {
        harness = await ServerHarness.StartAsync(root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "data"));
            using (var sqlite = new SqliteConnection($"Data Source={Path.Combine(root, "data", "shop.db")};Pooling=False"))
            {
                sqlite.Open();
                using var create = sqlite.CreateCommand();
                create.CommandText = "CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT NOT NULL, amount REAL); CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);";
                create.ExecuteNonQuery();
            }

            Directory.CreateDirectory(Path.Combine(root, "connections"));
            Directory.CreateDirectory(Path.Combine(root, "syncs"));
            File.WriteAllText(Path.Combine(root, "connections", "used.yml"), "type: sqlite\npath: data/shop.db\n");
            File.WriteAllText(Path.Combine(root, "syncs", "orders.yml"), "source: used\nstreams:\n  - select: \"main.orders\"\n");
        });
        harness.Secrets.Add(Password);
    }

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Put_New_WritesReferenceStoresSealedAndNeverShowsTheSecret()
    {
        var editor = harness.As("editor");

        var created = await PutAsync(editor, "pg", PostgresBody(Password), etag: null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var file = await File.ReadAllTextAsync(Path.Combine(harness.Root, "connections", "pg.yml"));
        Assert.Contains("${secret:connection.pg.password}", file, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, file, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(harness.Root, "connections"), "*.tmp"));

        var sealedValue = await harness.Service.Store.GetSecretAsync("connection.pg.password", CancellationToken.None);
        Assert.NotNull(sealedValue);
        Assert.DoesNotContain(Password, Encoding.UTF8.GetString(sealedValue), StringComparison.Ordinal);
        foreach (var storeFile in Directory.GetFiles(Path.Combine(harness.Root, ".nagare"), "metadata.db*"))
        {
            Assert.DoesNotContain(Password, Encoding.UTF8.GetString(await ReadSharedAsync(storeFile)), StringComparison.Ordinal);
        }

        // The server uses the new project at once, with the secret opened.
        Assert.Equal(Password, harness.Service.Project.Connections["pg"].GetSecret("password")!.Reveal());

        var one = JsonDocument.Parse(await (await harness.As("viewer").GetAsync("/api/v1/connections/pg")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("postgres", one.GetProperty("type").GetString());
        Assert.Equal("127.0.0.1", one.GetProperty("settings").GetProperty("host").GetString());
        Assert.True(one.GetProperty("settings").GetProperty("password").GetProperty("secret").GetBoolean());
        Assert.True(one.GetProperty("settings").GetProperty("password").GetProperty("set").GetBoolean());
        Assert.Equal(Path.Join("connections", "pg.yml"), one.GetProperty("file").GetString());

        var list = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/connections")).RootElement.GetProperty("items");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("name").GetString() == "pg");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("name").GetString() == "used");

        var test = JsonDocument.Parse(await (await editor.PostAsync("/api/v1/connections/pg/test", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.False(test.GetProperty("ok").GetBoolean());
        Assert.False(string.IsNullOrEmpty(test.GetProperty("error").GetString()));

        await AssertNoSecretAnywhereAsync();
    }

    [Fact]
    public async Task Put_UpdateWithoutSecret_KeepsItAndStaleIfMatchRefused()
    {
        var editor = harness.As("editor");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(editor, "pg", PostgresBody(Password), etag: null)).StatusCode);
        var first = await editor.GetAsync("/api/v1/connections/pg");
        var etag = first.Headers.ETag!.Tag;

        var withoutIfMatch = await PutAsync(editor, "pg", """{"type":"postgres","settings":{"host":"10.0.0.9","database":"shop","user":"nagare"}}""", etag: null);
        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutIfMatch.StatusCode);

        var updated = await PutAsync(editor, "pg", """{"type":"postgres","settings":{"host":"10.0.0.9","database":"shop","user":"nagare"}}""", etag);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.Headers.ETag!.Tag);
        Assert.Equal("10.0.0.9", harness.Service.Project.Connections["pg"].GetString("host"));
        Assert.Equal(Password, harness.Service.Project.Connections["pg"].GetSecret("password")!.Reveal());
        Assert.Contains("${secret:connection.pg.password}", await File.ReadAllTextAsync(Path.Combine(harness.Root, "connections", "pg.yml")), StringComparison.Ordinal);

        var stale = await PutAsync(editor, "pg", """{"type":"postgres","settings":{"host":"10.0.0.10","database":"shop","user":"nagare"}}""", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("10.0.0.9", harness.Service.Project.Connections["pg"].GetString("host"));

        var createOnly = new HttpRequestMessage(HttpMethod.Put, "/api/v1/connections/pg") { Content = ServerHarness.Json(PostgresBody("x")) };
        createOnly.Headers.IfNoneMatch.ParseAdd("*");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await editor.SendAsync(createOnly)).StatusCode);

        await harness.Server.Context.Audit.FlushAsync(CancellationToken.None);
        var audit = await harness.As("admin").GetStringAsync("/api/v1/audit?limit=1000");
        Assert.Contains("connection.create", audit, StringComparison.Ordinal);
        Assert.Contains("connection.update", audit, StringComparison.Ordinal);
        await AssertNoSecretAnywhereAsync();
    }

    [Fact]
    public async Task Put_Sqlite_TestAndDiscoverWork()
    {
        var editor = harness.As("editor");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(editor, "shop", """{"type":"sqlite","settings":{"path":"data/shop.db","read_only":true}}""", etag: null)).StatusCode);

        var test = JsonDocument.Parse(await (await editor.PostAsync("/api/v1/connections/shop/test", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
        Assert.Equal("sqlite", test.GetProperty("type").GetString());

        var page = JsonDocument.Parse(await editor.GetStringAsync("/api/v1/connections/shop/streams?limit=1")).RootElement;
        var stream = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("main.customers", stream.GetProperty("stream").GetString());
        Assert.Equal("main.customers", page.GetProperty("next").GetString());
        var next = JsonDocument.Parse(await editor.GetStringAsync("/api/v1/connections/shop/streams?limit=1&after=main.customers")).RootElement;
        var orders = Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.Equal("main.orders", orders.GetProperty("stream").GetString());
        Assert.Equal(["id"], orders.GetProperty("primary_key").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["id", "region", "amount"], orders.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, next.GetProperty("next").ValueKind);

        Assert.Equal(HttpStatusCode.Forbidden, (await harness.As("analyst").GetAsync("/api/v1/connections/shop/streams")).StatusCode);
    }

    [Fact]
    public async Task Streams_PagesAfterTheFirst_ReadTheSameListing_AFirstPageDiscoversAnew()
    {
        var editor = harness.As("editor");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(editor, "paged", """{"type":"sqlite","settings":{"path":"data/paged.db"}}""", etag: null)).StatusCode);
        Sql("paged.db", "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY)");

        var first = JsonDocument.Parse(await editor.GetStringAsync("/api/v1/connections/paged/streams?limit=1")).RootElement;
        Assert.Equal("main.a", Assert.Single(first.GetProperty("items").EnumerateArray()).GetProperty("stream").GetString());
        Sql("paged.db", "CREATE TABLE b (id INTEGER PRIMARY KEY)");

        // The listing the first page came from goes on: b, created since, is not in it.
        var second = JsonDocument.Parse(await editor.GetStringAsync("/api/v1/connections/paged/streams?limit=1&after=main.a")).RootElement;
        Assert.Equal("main.c", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("stream").GetString());

        var again = JsonDocument.Parse(await editor.GetStringAsync("/api/v1/connections/paged/streams?limit=10")).RootElement;
        Assert.Equal(["main.a", "main.b", "main.c"], again.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("stream").GetString()));
    }

    [Fact]
    public async Task EnvironmentReferences_AreShownAsWritten_AndKeptWhenTheFormSendsThemBack()
    {
        Environment.SetEnvironmentVariable("NAGARE_TEST_REF_HOST", "10.1.2.3");
        Environment.SetEnvironmentVariable("NAGARE_TEST_REF_PASSWORD", Password);
        var file = Path.Combine(harness.Service.Project.Root, "connections", "byenv.yml");
        await File.WriteAllTextAsync(file, "type: postgres\nhost: ${NAGARE_TEST_REF_HOST}\ndatabase: shop\nuser: reader\npassword: ${NAGARE_TEST_REF_PASSWORD:-}\n");
        await harness.Server.Context.ReloadProjectAsync(CancellationToken.None);
        var editor = harness.As("editor");

        var shown = await editor.GetAsync("/api/v1/connections/byenv");
        var view = JsonDocument.Parse(await shown.Content.ReadAsStringAsync()).RootElement.GetProperty("settings");
        Assert.Equal("${NAGARE_TEST_REF_HOST}", view.GetProperty("host").GetString());
        Assert.True(view.GetProperty("password").GetProperty("set").GetBoolean());
        Assert.Equal("${NAGARE_TEST_REF_PASSWORD:-}", view.GetProperty("password").GetProperty("reference").GetString());

        // The form sends back what it was shown, changes the user, and leaves the password out.
        var saved = await PutAsync(editor, "byenv", """{"type":"postgres","settings":{"host":"${NAGARE_TEST_REF_HOST}","database":"shop","user":"writer"}}""", shown.Headers.ETag!.Tag);
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var written = await File.ReadAllTextAsync(file);
        Assert.Contains("host: \"${NAGARE_TEST_REF_HOST}\"", written, StringComparison.Ordinal);
        Assert.Contains("password: \"${NAGARE_TEST_REF_PASSWORD:-}\"", written, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", written, StringComparison.Ordinal);
        Assert.Equal("10.1.2.3", harness.Service.Project.Connections["byenv"].GetString("host"));
        Assert.Equal(Password, harness.Service.Project.Connections["byenv"].GetSecret("password")?.Reveal());

        // A reference the file does not hold is refused: the API never reads the server's environment.
        var again = await editor.GetAsync("/api/v1/connections/byenv");
        var other = await PutAsync(editor, "byenv", """{"type":"postgres","settings":{"host":"${HOME}","database":"shop","user":"u"}}""", again.Headers.ETag!.Tag);
        Assert.Equal("$.settings.host", (await ServerHarness.ProblemAsync(other)).GetProperty("field").GetString());
        var secretReference = await PutAsync(editor, "byenv", """{"type":"postgres","settings":{"host":"h","database":"shop","user":"u","password":"${NAGARE_TEST_REF_PASSWORD:-}"}}""", again.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, secretReference.StatusCode);
        Assert.Contains("password: \"${NAGARE_TEST_REF_PASSWORD:-}\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        await AssertNoSecretAnywhereAsync();
    }

    private void Sql(string file, string sql)
    {
        using var sqlite = new SqliteConnection($"Data Source={Path.Combine(harness.Service.Project.Root, "data", file)};Pooling=False");
        sqlite.Open();
        using var command = sqlite.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Put_BadInput_400NamingTheFieldAndNothingWritten()
    {
        var editor = harness.As("editor");

        var badType = await PutAsync(editor, "bad", """{"type":"postgress","settings":{}}""", etag: null);
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        Assert.Equal("$.type", (await ServerHarness.ProblemAsync(badType)).GetProperty("field").GetString());

        var unknownKey = await PutAsync(editor, "bad", """{"type":"sqlite","settings":{"path":"x.db","pth":"y"}}""", etag: null);
        Assert.Equal("$.settings.pth", (await ServerHarness.ProblemAsync(unknownKey)).GetProperty("field").GetString());

        var passwordInSettings = await PutAsync(editor, "bad", """{"type":"postgres","settings":{"database":"d","user":"u","password":"plain"}}""", etag: null);
        Assert.Equal("$.settings.password", (await ServerHarness.ProblemAsync(passwordInSettings)).GetProperty("field").GetString());

        var reference = await PutAsync(editor, "bad", """{"type":"sqlite","settings":{"path":"${NAGARE_SECRET_KEY}"}}""", etag: null);
        Assert.Equal("$.settings.path", (await ServerHarness.ProblemAsync(reference)).GetProperty("field").GetString());

        // Found by the loader reading the written file: a required key is missing.
        var missing = await PutAsync(editor, "bad", """{"type":"postgres","settings":{"database":"d"}}""", etag: null);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("$.settings.user", (await ServerHarness.ProblemAsync(missing)).GetProperty("field").GetString());

        // Found by the connector's own checks.
        var duration = await PutAsync(editor, "bad", """{"type":"postgres","settings":{"database":"d","user":"u","statement_timeout":"soon"}}""", etag: null);
        Assert.Equal("$.settings.statement_timeout", (await ServerHarness.ProblemAsync(duration)).GetProperty("field").GetString());

        foreach (var hostile in new[] { "..%2F..%2Fnagare", "a.b", "x%00y", "%2Fetc%2Fpasswd", new string('a', 65) })
        {
            var response = await PutAsync(editor, hostile, """{"type":"sqlite","settings":{"path":"x.db"}}""", etag: null);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{hostile}: {(int)response.StatusCode}");
        }

        var files = Directory.GetFiles(harness.Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(harness.Root, f)).ToList();
        Assert.DoesNotContain(files, f => f.StartsWith("connections", StringComparison.Ordinal) && !f.EndsWith("used.yml", StringComparison.Ordinal));
        Assert.Equal("name: served\n", await File.ReadAllTextAsync(Path.Combine(harness.Root, "nagare.yml")));
        Assert.False(harness.Service.Project.Connections.ContainsKey("bad"));
    }

    [Fact]
    public async Task Delete_UsedBySync_Refused_ElseRemovesFileAndSecrets()
    {
        var editor = harness.As("editor");

        var refused = await editor.DeleteAsync("/api/v1/connections/used");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("orders", (await ServerHarness.ProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(harness.Root, "connections", "used.yml")));

        Assert.Equal(HttpStatusCode.Created, (await PutAsync(editor, "pg", PostgresBody(Password), etag: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await harness.As("analyst").DeleteAsync("/api/v1/connections/pg")).StatusCode);
        var deleted = await editor.DeleteAsync("/api/v1/connections/pg");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(File.Exists(Path.Combine(harness.Root, "connections", "pg.yml")));
        Assert.Null(await harness.Service.Store.GetSecretAsync("connection.pg.password", CancellationToken.None));
        Assert.False(harness.Service.Project.Connections.ContainsKey("pg"));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync("/api/v1/connections/pg")).StatusCode);
    }

    private static string PostgresBody(string password) =>
        $$$"""{"type":"postgres","settings":{"host":"127.0.0.1","port":1,"database":"shop","user":"nagare","connect_timeout":2},"secrets":{"password":"{{{password}}}"}}""";

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string name, string body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/connections/" + name) { Content = ServerHarness.Json(body) };
        if (etag is not null)
        {
            request.Headers.IfMatch.ParseAdd(etag);
        }

        return await client.SendAsync(request);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task AssertNoSecretAnywhereAsync()
    {
        await harness.Server.Context.Audit.FlushAsync(CancellationToken.None);
        await harness.As("admin").GetAsync("/api/v1/audit?limit=1000");
        var texts = harness.Answers.Concat(harness.Log).ToList();
        Assert.DoesNotContain(texts, t => t.Contains(Password, StringComparison.Ordinal));
        var audit = await harness.Service.Store.ListSecretNamesAsync(CancellationToken.None);
        Assert.DoesNotContain(audit, n => n.Contains(Password, StringComparison.Ordinal));
    }
}
