using Nagare.Runtime.Activations;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>activations/*.yml in the project model: shapes, defaults and errors with file, line and key.</summary>
public sealed class ActivationConfigTests : IDisposable
{
    private readonly ActivationProject project = new();

    public ActivationConfigTests()
    {
        project.Write("connections/app.yml", "type: sqlite\npath: app.db\n");
        project.Write("connections/drop.yml", "type: files\npath: drop\nformat: csv\n");
    }

    public void Dispose() => project.Dispose();

    [Fact]
    public void Load_DatabaseAndFilesDestinations_ReadEveryKey()
    {
        project.Write("activations/kpis.yml", """
            name: dashboard_kpis
            query: select * from mart.daily_kpis
            destination:
              connection: app
              table: public.daily_kpis
              mode: mirror
              key: [day, region]
            columns: { day: day, region: region, revenue: { from: revenue_jpy, cast: "decimal(12,2)" } }
            """);
        project.Write("activations/seg.yml", """
            model: segments
            destination: { type: files, path: exports/segments, format: csv, compression: gzip, max_bytes: 50MB, max_rows: 1000000, file_name: "segment_{{ run_date }}_{{ part:03 }}.csv.gz", header: false, parallel: 4 }
            columns: [id, email]
            """);

        var config = ProjectLoader.Load(project.Project.Root);

        var kpis = config.GetActivation("dashboard_kpis");
        var database = Assert.IsType<DatabaseDestination>(kpis.Destination);
        Assert.Equal(("app", "public", "daily_kpis", ActivationMode.Mirror), (database.Connection, database.Table.Namespace, database.Table.Name, database.Mode));
        Assert.Equal(["day", "region"], database.Key.ToArray());
        Assert.Equal(Core.Types.ColumnType.Parse("decimal(12,2)"), kpis.Columns[2].Cast);
        Assert.Equal("revenue_jpy", kpis.Columns[2].From);
        var files = Assert.IsType<FilesDestination>(config.GetActivation("seg").Destination);
        Assert.Equal((50_000_000L, 1_000_000L, true, false, 4, ActivationMode.Full), (files.MaxBytes, files.MaxRows, files.Gzip, files.Header, files.Parallel, files.Mode));
        Assert.Equal(project.Project.PathOf("exports/segments"), files.Path);
        Assert.Equal(["id", "email"], config.GetActivation("seg").Columns.Select(c => c.From));
    }

    [Fact]
    public void Load_HttpDestination_ReadsEveryKey()
    {
        project.Write("activations/crm_contacts.yml", """
            query: select id, email, first_name, plan from mart.customers
            destination:
              type: http
              url: "https://api.example.com/v2/contacts/batch"
              method: post
              batch_size: 100
              body: |
                {"contacts": [{% for r in records %}{"email": {{ r.email | tojson }}}{% if not loop.last %},{% endif %}{% endfor %}]}
              headers:
                X-Api-Version: "2"
                X-Api-Key: ${secret:crm_api_key}
              auth:
                type: oauth2_client_credentials
                token_url: https://auth.example.com/oauth/token
                client_id: nagare
                client_secret: ${CRM_CLIENT_SECRET}
                scope: contacts.write
              mode: changes
              key: [id]
              delete:
                method: DELETE
                url: "https://api.example.com/v2/contacts/{{ records[0].id }}"
              rate_limit: { requests_per_second: 0.5, concurrency: 4 }
              max_retries: 3
              backoff: 250ms
              timeout: 10s
              response: { results_path: data.results, success_field: success, error_field: error }
              retention_days: 3
            """);
        var secrets = new Dictionary<string, string> { ["secret:crm_api_key"] = "key-1", ["CRM_CLIENT_SECRET"] = "client-2" };

        var config = ProjectLoader.Load(project.Project.Root, environment: name => secrets.GetValueOrDefault(name));

        var http = Assert.IsType<Nagare.Runtime.Activations.Http.HttpDestination>(config.GetActivation("crm_contacts").Destination);
        Assert.Equal(("POST", 100, ActivationMode.Changes, "DELETE"), (http.Request.Method, http.BatchSize, http.Mode, http.Delete!.Method));
        Assert.Equal((0.5, 4, 3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), 3), (http.RequestsPerSecond, http.Concurrency, http.MaxRetries, http.Backoff, http.Timeout, http.RetentionDays));
        Assert.Equal(("2", null, "key-1"), (http.Headers[0].Text, http.Headers[1].Text, http.Headers[1].Reveal()));
        var oauth = Assert.IsType<Nagare.Runtime.Activations.Http.HttpOAuth2Auth>(http.Auth);
        Assert.Equal(("nagare", "client-2", "contacts.write"), (oauth.ClientId, oauth.ClientSecret.Reveal(), oauth.Scope));
        Assert.Equal(new Nagare.Runtime.Activations.Http.HttpResponseMapping("data.results", "success", "error"), http.Response);
        Assert.DoesNotContain("client-2", http.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("destination: { type: ftp, url: \"https://x\" }", "activations/a.yml:2:", "destination type 'ftp' is not supported in this version; supported: database, files, s3, http")]
    [InlineData("destination:\n  type: http\n  key: [id]\n  method: POST", "activations/a.yml:3:3: destination.url:", "is required")]
    [InlineData("destination:\n  type: http\n  url: https://api.example.com/c\n  key: [id]\n  auth: { type: oauth, token: x }", "activations/a.yml:6:17: destination.auth.type:", "'oauth' is not one of basic, bearer, hmac, oauth2_client_credentials")]
    [InlineData("destination:\n  type: http\n  url: https://api.example.com/c", "activations/a.yml:3:3: destination.key:", "is required")]
    [InlineData("destination:\n  type: http\n  url: \"https://x/{{ record.id }}\"\n  key: [id]\n  batch_size: 50", "activations/a.yml:4:8: destination.url:", "uses record, which exists only with batch_size: 1")]
    [InlineData("destination:\n  type: http\n  url: https://x/c\n  key: [id]\n  rate_limit: { requests_per_second: fast }", "activations/a.yml:6:38: destination.rate_limit.requests_per_second:", "'fast' is not a number")]
    [InlineData("destination:\n  connection: app\n  table: t\n  mode: upsrt", "activations/a.yml:5:9: destination.mode:", "'upsrt' is not one of insert, mirror, replace, upsert")]
    [InlineData("destination: { connection: app, table: t, mode: upsert }", "activations/a.yml:2:", "destination.key: is required with mode upsert")]
    [InlineData("destination: { connection: nope, table: t, mode: insert }", "activations/a.yml:2:", "no connection named 'nope'")]
    [InlineData("destination: { type: files, path: x, max_bytes: 5 parsecs }", "activations/a.yml:2:", "'5 parsecs' is not a size")]
    [InlineData("destination: { type: files, path: x, max_rows: 10, file_name: out.csv }", "activations/a.yml:2:", "must contain {{ part }}")]
    [InlineData("destination: { connection: app, table: t, mode: insert }\nqeury: x", "activations/a.yml:3:1: qeury:", "did you mean 'query'")]
    [InlineData("destination: { connection: app, table: t, mode: insert }\nsource: ap", "activations/a.yml:3:9: source:", "no connection named 'ap' (did you mean 'app'?). Known: warehouse, app, drop")]
    [InlineData("destination: { connection: app, table: t, mode: insert }\nsource: drop", "activations/a.yml:3:9: source:", "'drop' is a files connection, which does not run queries")]
    public void Load_BadActivationFile_ReportsFileLineAndKey(string destination, string where, string problem)
    {
        project.Write("activations/a.yml", "query: select 1\n" + destination + "\n");

        var config = ProjectLoader.Read(project.Project.Root);

        var e = Assert.Throws<ConfigException>(() => config.GetActivation("a"));
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PipelineStepNamingAMissingActivation_IsAnErrorAtItsLine()
    {
        project.Write("activations/kpis.yml", "query: select 1 as id\ndestination: { connection: app, table: t, mode: insert }\n");
        project.Write("pipelines/p.yml", "steps:\n  - activate: kpsi\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Project.Root));

        Assert.Contains("pipelines/p.yml:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("no activation named 'kpsi' (did you mean 'kpis'?)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50MB", 50_000_000L)]
    [InlineData("512KiB", 524_288L)]
    [InlineData("1.5 GB", 1_500_000_000L)]
    [InlineData("1048576", 1_048_576L)]
    [InlineData("10kb", 10_000L)]
    public void SizeText_Parse_ReadsUnits(string text, long bytes) => Assert.Equal(bytes, SizeText.Parse(text));

    [Fact]
    public void FileNames_Render_TurnsPartIntoTheWriterPlaceholderAndRendersTheRest()
    {
        var context = new Dictionary<string, object?> { ["run_date"] = "2026-12-01", ["activation"] = "a{b}" };

        Assert.Equal("{{a{{b}}}}_2026-12-01_{part:000}.csv.gz", ActivationFileNames.Render("{{ '{' }}{{ activation }}{{ '}' }}_{{ run_date }}_{{ part:03 }}.csv.gz", context, "t"));
        Assert.Equal("x_{part:0}", ActivationFileNames.Render("x_{{part}}", context, "t"));
    }
}
