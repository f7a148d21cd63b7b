using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Tests.Infrastructure;
using Nagare.Testing;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>
/// Activations into an HTTP API (a real server in the test): rendered requests, each kind of auth, the rate limit,
/// retries, rejected records kept and sent again, the snapshot advanced by confirmed records only, deletes, redaction.
/// </summary>
public sealed class HttpActivationTests : IAsyncLifetime, IDisposable
{
    private const string Token = "s3cr3t-token-value";
    private const string ApiKey = "k3y-that-must-not-leak";

    private readonly ActivationProject project = new();
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal)
    {
        ["API_TOKEN"] = Token,
        ["API_KEY"] = ApiKey,
        ["API_PASSWORD"] = "pa55word",
        ["HMAC_SECRET"] = "hm4c-secret",
        ["CLIENT_SECRET"] = "cl13nt-secret",
    };

    private FakeApi api = null!;

    public HttpActivationTests()
    {
        project.Warehouse("""
            CREATE SCHEMA mart;
            CREATE TABLE mart.contacts AS
            SELECT CAST(i AS BIGINT) AS id, 'user' || i || '@example.com' AS email, 'User ' || i AS name FROM range(1, 6) t(i);
            """);
    }

    public async Task InitializeAsync() => api = await FakeApi.StartAsync();

    public async Task DisposeAsync() => await api.DisposeAsync();

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Run_Batches_SendRenderedUrlBodyAndHeaders()
    {
        Activation($"""
            url: "{api.Url}/lists/{"{{"} activation {"}}"}/members"
            method: put
            batch_size: 2
            headers: {"{"} X-Api-Key: "${"{"}API_KEY{"}"}", X-Source: nagare {"}"}
            body: '{"{"}"members": [{"{%"} for r in records {"%}"}{"{"}"email": {"{{"} r.email | tojson {"}}"}{"}"}{"{%"} if not loop.last {"%}"},{"{%"} endif {"%}"}{"{%"} endfor {"%}"}]{"}"}'
            """);

        var result = await RunAsync();

        Assert.Equal((5L, 0L, 3L), (result.Inserted, result.Rejected, result.Receipts!.Requests));
        var requests = api.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(("PUT", "/lists/contacts/members", ApiKey, "nagare"), (r.Method, r.Path, r.Header("X-Api-Key"), r.Header("X-Source"))));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.Header("Content-Type"), StringComparison.Ordinal));
        Assert.Equal("""{"members": [{"email": "user1@example.com"},{"email": "user2@example.com"}]}""", requests[0].Body);
        Assert.Equal("""{"members": [{"email": "user5@example.com"}]}""", requests[2].Body);
    }

    [Fact]
    public async Task Run_SingleRecords_DefaultBodyIsTheRecord_AndNothingIsSentTwice()
    {
        Activation($"""url: "{api.Url}/contacts/{"{{"} record.id {"}}"}" """);

        await RunAsync();
        var again = await RunAsync();

        Assert.Equal(5, api.Requests.Count);
        Assert.Equal("/contacts/3", api.Requests[2].Path);
        Assert.Equal(JsonSerializer.Serialize(new { id = 3, email = "user3@example.com", name = "User 3" }), JsonSerializer.Serialize(JsonDocument.Parse(api.Requests[2].Body).RootElement));
        Assert.Equal(0, again.Sent);
    }

    [Theory]
    [InlineData("{ type: bearer, token: \"${API_TOKEN}\" }", "Bearer s3cr3t-token-value")]
    [InlineData("{ type: basic, user: ann, password: \"${API_PASSWORD}\" }", "Basic YW5uOnBhNTV3b3Jk")]
    public async Task Run_BearerAndBasic_SendTheAuthorizationHeader(string auth, string expected)
    {
        Activation($"url: \"{api.Url}/contacts\"\nbatch_size: 10\nauth: {auth}");

        await RunAsync();

        Assert.Equal(expected, Assert.Single(api.Requests).Header("Authorization"));
    }

    [Theory]
    [InlineData("sha256")]
    [InlineData("sha512")]
    public async Task Run_Hmac_SignsTimestampAndBody_AndTheServerVerifiesIt(string algorithm)
    {
        Activation($"""
            url: "{api.Url}/contacts"
            batch_size: 3
            auth: {"{"} type: hmac, secret: "${"{"}HMAC_SECRET{"}"}", algorithm: {algorithm}, header: X-Signature, timestamp_header: X-Timestamp, prefix: "{algorithm}=" {"}"}
            """);
        api.Answer = request =>
        {
            var key = Encoding.UTF8.GetBytes("hm4c-secret");
            var signed = Encoding.UTF8.GetBytes(request.Header("X-Timestamp") + "." + request.Body);
            var expected = algorithm + "=" + Convert.ToHexStringLower(algorithm == "sha512" ? HMACSHA512.HashData(key, signed) : HMACSHA256.HashData(key, signed));
            return (request.Header("X-Signature") == expected ? 200 : 403, "{}", null);
        };

        var result = await RunAsync();

        Assert.Equal((5L, 0L, 2), (result.Inserted, result.Rejected, api.Requests.Count));
    }

    [Fact]
    public async Task Run_OAuth2_FetchesOneTokenForEveryRequest_AndAnotherOnceAfterA401()
    {
        api.RequireIssuedToken = true;
        Activation($"""
            url: "{api.Url}/contacts/{"{{"} record.id {"}}"}"
            auth: {"{"} type: oauth2_client_credentials, token_url: "{api.Url}/oauth/token", client_id: app, client_secret: "${"{"}CLIENT_SECRET{"}"}", scope: contacts.write {"}"}
            """);

        var answered = 0;
        api.Answer = _ =>
        {
            if (Interlocked.Increment(ref answered) == 3)
            {
                // The token expires early, as the API decides: the next request is answered 401.
                api.RevokeTokens();
            }

            return (200, "{}", null);
        };

        var result = await RunAsync();

        Assert.Equal((5L, 0L), (result.Inserted, result.Rejected));
        Assert.Equal(2, api.TokensIssued);
        Assert.Contains("client_secret=cl13nt-secret", api.TokenRequest, StringComparison.Ordinal);
        Assert.Contains("scope=contacts.write", api.TokenRequest, StringComparison.Ordinal);
        Assert.Equal<string>(
            ["/contacts/1 tok-1", "/contacts/2 tok-1", "/contacts/3 tok-1", "/contacts/4 tok-1", "/contacts/4 tok-2", "/contacts/5 tok-2"],
            api.Requests.Select(r => $"{r.Path} {r.Header("Authorization")?.Replace("Bearer ", string.Empty, StringComparison.Ordinal)}"));
        Assert.Equal<string>(["1|1|200", "4|1|401", "4|2|200"], Rows($"SELECT sequence, attempt, http_status FROM {ActivationTables.Requests("contacts")} WHERE sequence IN (1, 4) ORDER BY sequence, attempt"));
    }

    [Fact]
    public async Task Run_ATokenEndpointThatRefuses_StopsTheRun_NamingIt_AndNothingIsSentOrRecorded()
    {
        Activation($"""
            url: "{api.Url}/contacts"
            batch_size: 10
            auth: {"{"} type: oauth2_client_credentials, token_url: "{api.Url}/oauth/refuse", client_id: app, client_secret: "${"{"}CLIENT_SECRET{"}"}" {"}"}
            """);
        api.Answer = r => r.Path == "/oauth/refuse" ? (401, """{"error":"invalid_client"}""", null) : (200, "{}", null);

        var e = await Assert.ThrowsAsync<ActivationException>(() => RunAsync());

        Assert.Contains($"the token endpoint {api.Url}/oauth/refuse answered 401: {"{"}\"error\":\"invalid_client\"{"}"}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cl13nt-secret", e.Message, StringComparison.Ordinal);
        Assert.Equal<string>(["/oauth/refuse"], api.Requests.Select(r => r.Path));
        api.Answer = _ => (200, "{}", null);
        Activation($"url: \"{api.Url}/contacts\"\nbatch_size: 10");
        Assert.Equal(5, (await RunAsync()).Inserted);
    }

    [Fact]
    public async Task Run_NoAnswerWithinTheTimeout_IsRetried_ThenRejectedNamingTheTimeout()
    {
        // Every answer comes late, however slow the machine: each attempt times out.
        api.Hold = TimeSpan.FromSeconds(3);
        Activation($"url: \"{api.Url}/contacts\"\nbatch_size: 10\ntimeout: 200ms\nbackoff: 1ms\nmax_retries: 1");

        var result = await RunAsync();

        Assert.Equal((0L, 5L, 2), (result.Inserted, result.Rejected, api.Requests.Count));
        Assert.Equal("no answer within 0.2 s (2 attempts)", result.Receipts!.Rejections[0].Error);
        Assert.Equal<string>(["1|1|NULL|no answer within 0.2 s", "1|2|NULL|no answer within 0.2 s"], Rows($"SELECT sequence, attempt, http_status, error FROM {ActivationTables.Requests("contacts")} ORDER BY attempt"));
    }

    [Fact]
    public async Task Run_RateLimit_NeverMoreRequestsInFlightThanTheConcurrency()
    {
        project.Warehouse("INSERT INTO mart.contacts SELECT CAST(i AS BIGINT), 'u' || i, 'n' FROM range(6, 41) t(i)");
        api.Hold = TimeSpan.FromMilliseconds(20);
        Activation($"""
            url: "{api.Url}/contacts/{"{{"} record.id {"}}"}"
            rate_limit: {"{"} requests_per_second: 500, concurrency: 3 {"}"}
            """);

        var result = await RunAsync();

        Assert.Equal(40, result.Inserted);
        Assert.Equal(40, api.Requests.Count);
        Assert.InRange(api.MaxInFlight, 1, 3);
    }

    [Fact]
    public async Task Run_AgainstAnApiEnforcingTheLimit_NeverExceedsIt_AndEveryRecordArrivesOnceDespite500s()
    {
        const int records = 2000;
        const int perSecond = 50;
        project.Warehouse($"INSERT INTO mart.contacts SELECT CAST(i AS BIGINT), 'u' || i || '@example.com', 'n' FROM range(6, {records + 1}) t(i)");
        // The API counts requests as they arrive, over any sliding second, on the real clock the run's pacer waits on.
        api.Limit = (perSecond, TimeSpan.FromSeconds(1));
        api.Hold = TimeSpan.FromMilliseconds(5);
        int[] failing = [3, 10, 11, 40, 60];
        var answered = 0;
        var accepted = new System.Collections.Concurrent.ConcurrentQueue<long>();
        api.Answer = r =>
        {
            if (failing.Contains(Interlocked.Increment(ref answered)))
            {
                return (500, "oops", null);
            }

            foreach (var record in JsonDocument.Parse(r.Body).RootElement.EnumerateArray())
            {
                accepted.Enqueue(record.GetProperty("id").GetInt64());
            }

            return (200, "{}", null);
        };
        Activation($"""
            url: "{api.Url}/contacts/batch"
            batch_size: 25
            backoff: 10ms
            rate_limit: {"{"} requests_per_second: {perSecond}, concurrency: 4 {"}"}
            """);

        var result = await RunAsync();

        Assert.Equal(0, api.Violations);
        Assert.Equal((records, 0L), (result.Inserted, result.Rejected));
        Assert.Equal(Enumerable.Range(1, records).Select(i => (long)i), accepted.Order());
        Assert.Equal(records / 25 + failing.Length, api.Requests.Count);
        // Every 500 is kept, and its request was sent again until accepted (two failing arrivals may be one request's
        // first attempt and its retry, so count answers, not requests).
        Assert.Equal<string>([failing.Length.ToString(CultureInfo.InvariantCulture)], Rows($"SELECT count(*) FROM {ActivationTables.Requests("contacts")} WHERE http_status = 500"));
        Assert.Empty(Rows($"SELECT sequence FROM {ActivationTables.Requests("contacts")} GROUP BY sequence HAVING bool_or(http_status = 500) AND NOT bool_or(http_status = 200)"));

        var again = await RunAsync();

        Assert.Equal(0, again.Sent);
        Assert.Equal(records / 25 + failing.Length, api.Requests.Count);
    }

    [Fact]
    public async Task Run_429WithRetryAfter_And500_AreRetriedUntilAccepted()
    {
        var calls = 0;
        api.Answer = _ => Interlocked.Increment(ref calls) switch
        {
            1 => (429, """{"error":"slow down"}""", new Dictionary<string, string> { ["Retry-After"] = "1" }),
            2 or 3 => (500, "oops", null),
            _ => (200, "{}", null),
        };
        Activation($"url: \"{api.Url}/contacts\"\nbatch_size: 10\nbackoff: 10ms");

        var result = await RunAsync();

        Assert.Equal((5L, 0L, 4L), (result.Inserted, result.Rejected, result.Receipts!.Requests));
        Assert.Equal<string>(["1|1|429", "1|2|500", "1|3|500", "1|4|200"], Rows($"SELECT sequence, attempt, http_status FROM {ActivationTables.Requests("contacts")} ORDER BY attempt"));
    }

    [Fact]
    public async Task Run_RetryAfterAsAnHttpDate_AndA408_AreRetried_NotBeforeTheDate()
    {
        var calls = 0;
        var until = DateTimeOffset.MinValue;
        var retriedAt = DateTimeOffset.MinValue;
        api.Answer = _ =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    // HTTP dates have whole seconds: two seconds from now cut to the second, so one to two seconds ahead.
                    until = TimeProvider.System.GetUtcNow().AddSeconds(2);
                    until = until.AddTicks(-(until.Ticks % TimeSpan.TicksPerSecond));
                    return (429, """{"error":"slow down"}""", new Dictionary<string, string> { ["Retry-After"] = until.ToString("r", CultureInfo.InvariantCulture) });
                case 2:
                    retriedAt = TimeProvider.System.GetUtcNow();
                    return (408, "request timeout", null);
                default:
                    return (200, "{}", null);
            }
        };
        Activation($"url: \"{api.Url}/contacts\"\nbatch_size: 10\nbackoff: 10ms");

        var result = await RunAsync();

        Assert.Equal((5L, 0L, 3L), (result.Inserted, result.Rejected, result.Receipts!.Requests));
        Assert.Equal<string>(["1|1|429", "1|2|408", "1|3|200"], Rows($"SELECT sequence, attempt, http_status FROM {ActivationTables.Requests("contacts")} ORDER BY attempt"));
        // Without the date the retry would follow after the 10 ms back-off; timers may round by a few milliseconds.
        Assert.True(retriedAt >= until.AddMilliseconds(-100), $"retried at {retriedAt:O}, before the Retry-After date {until:O}");
    }

    [Fact]
    public async Task Run_RetriesExhausted_RejectsTheRecords()
    {
        api.Answer = _ => (503, "down", null);
        Activation($"url: \"{api.Url}/contacts\"\nbatch_size: 10\nbackoff: 1ms\nmax_retries: 2");

        var result = await RunAsync();

        Assert.Equal((0L, 5L, 3), (result.Inserted, result.Rejected, api.Requests.Count));
        Assert.Contains("answered 503", result.Receipts!.Rejections[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_400_RejectsTheRecordWithTheAnswer_AndTheNextRunSendsOnlyWhatWasNotConfirmed()
    {
        api.Answer = r => r.Path == "/contacts/3" ? (400, """{"error":"bad email"}""", null) : (200, "{}", null);
        Activation($"url: \"{api.Url}/contacts/{"{{"} record.id {"}}"}\"");

        var first = await RunAsync();

        Assert.Equal((4L, 1L), (first.Inserted, first.Rejected));
        var rejection = Assert.Single(first.Receipts!.Rejections);
        Assert.Equal(("id=3", 400), (rejection.DescribeKey(), rejection.Status));
        Assert.Contains("bad email", rejection.Response, StringComparison.Ordinal);
        var kept = Assert.Single(Rows($"SELECT key, operation, http_status, response, json_extract_string(record, '$.email'), run_id FROM {ActivationTables.Rejected("contacts")}"));
        Assert.Equal("""{"id":3}|insert|400|{"error":"bad email"}|user3@example.com|0""", kept);
        Assert.Equal(5, api.Requests.Count);

        api.Answer = _ => (200, "{}", null);
        var second = await RunAsync();

        Assert.Equal((1L, 0L), (second.Inserted, second.Rejected));
        Assert.Equal("/contacts/3", api.Requests[^1].Path);
        Assert.Equal(6, api.Requests.Count);
        Assert.Empty(Rows($"SELECT key FROM {ActivationTables.Rejected("contacts")}"));
        Assert.Equal(0, (await RunAsync()).Sent);
    }

    [Fact]
    public async Task Run_RetryRejected_SendsOnlyTheRejectedRecords_AndClearsThoseAccepted()
    {
        api.Answer = r => r.Path is "/contacts/2" or "/contacts/4" ? (422, """{"error":"invalid"}""", null) : (200, "{}", null);
        Activation($"url: \"{api.Url}/contacts/{"{{"} record.id {"}}"}\"");
        Assert.Equal(2, (await RunAsync()).Rejected);
        project.Warehouse("UPDATE mart.contacts SET name = 'changed' WHERE id = 5");
        api.Answer = r => r.Path == "/contacts/4" ? (422, """{"error":"still invalid"}""", null) : (200, "{}", null);
        var before = api.Requests.Count;

        var retry = await RunAsync(retryRejected: true);

        Assert.Equal<string>(["/contacts/2", "/contacts/4"], api.Requests.Skip(before).Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal((1L, 1L), (retry.Inserted, retry.Rejected));
        Assert.Equal<string>(["""{"id":4}|still invalid"""], Rows($"SELECT key, json_extract_string(response, '$.error') FROM {ActivationTables.Rejected("contacts")}"));
        var listed = await project.Service(environment).RejectedAsync("contacts", 10, new ActivationRunOptions(), CancellationToken.None);
        Assert.Equal(1, listed.Total);
        var still = Assert.Single(listed.Items);
        Assert.Equal(("id=4", "insert", 422), (still.Rejection.DescribeKey(), still.Rejection.Operation, still.Rejection.Status));
        Assert.Contains("still invalid", still.Rejection.Response, StringComparison.Ordinal);
        Assert.Contains("user4@example.com", still.Rejection.Record, StringComparison.Ordinal);
        Assert.NotNull(still.RejectedAt);

        api.Answer = _ => (200, "{}", null);
        var next = await RunAsync();

        Assert.Equal((1L, 1L, 0L), (next.Inserted, next.Updated, next.Rejected));
        Assert.Empty(Rows($"SELECT key FROM {ActivationTables.Rejected("contacts")}"));
        Assert.Equal(0, (await project.Service(environment).RejectedAsync("contacts", 10, new ActivationRunOptions(), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Run_ResponseMapping_RejectsTheRecordsItsResultsRefuse()
    {
        api.Answer = r =>
        {
            var ids = JsonDocument.Parse(r.Body).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
            return (200, JsonSerializer.Serialize(new { results = ids.Select(id => id == 2 ? new { ok = false, error = (string?)"duplicate" } : new { ok = true, error = (string?)null }) }), null);
        };
        Activation($"""
            url: "{api.Url}/contacts/batch"
            batch_size: 3
            response: {"{"} results_path: results, success_field: ok, error_field: error {"}"}
            """);

        var result = await RunAsync();

        Assert.Equal((4L, 1L), (result.Inserted, result.Rejected));
        Assert.Equal(("id=2", "duplicate"), (result.Receipts!.Rejections[0].DescribeKey(), result.Receipts.Rejections[0].Error));
    }

    [Fact]
    public async Task Run_Changes_SendsUpdatesToTheMainRequestAndDeletesToTheDeleteRequest()
    {
        Activation($"""
            url: "{api.Url}/contacts/{"{{"} record.id {"}}"}"
            method: PATCH
            delete: {"{"} url: "{api.Url}/contacts/{"{{"} record.id {"}}"}/remove", method: DELETE {"}"}
            """);
        await RunAsync();
        project.Warehouse("DELETE FROM mart.contacts WHERE id = 2; UPDATE mart.contacts SET name = 'renamed' WHERE id = 1");
        var before = api.Requests.Count;

        var result = await RunAsync();

        Assert.Equal((0L, 1L, 1L), (result.Inserted, result.Updated, result.Deleted));
        Assert.Equal<string>(["PATCH /contacts/1|renamed", "DELETE /contacts/2/remove|"], api.Requests.Skip(before).Select(r => $"{r.Method} {r.Path}|{(r.Body.Length > 0 ? JsonDocument.Parse(r.Body).RootElement.GetProperty("name").GetString() : string.Empty)}"));
    }

    [Fact]
    public async Task Run_RefusedUpdatesAndDeletes_AreSentAgainByTheNextRun_AndNothingElse()
    {
        Activation($"""
            url: "{api.Url}/contacts/{"{{"} record.id {"}}"}"
            method: PATCH
            delete: {"{"} url: "{api.Url}/contacts/{"{{"} record.id {"}}"}/remove", method: DELETE {"}"}
            """);
        await RunAsync();
        project.Warehouse("UPDATE mart.contacts SET name = 'renamed' WHERE id IN (1, 3, 5); DELETE FROM mart.contacts WHERE id IN (2, 4)");
        api.Answer = r => r.Path is "/contacts/3" or "/contacts/4/remove" ? (400, """{"error":"refused"}""", null) : (200, "{}", null);

        var first = await RunAsync();

        Assert.Equal((2L, 1L, 2L), (first.Updated, first.Deleted, first.Rejected));
        api.Answer = _ => (200, "{}", null);
        var before = api.Requests.Count;

        var second = await RunAsync();

        Assert.Equal((1L, 1L, 0L), (second.Updated, second.Deleted, second.Rejected));
        Assert.Equal<string>(["DELETE /contacts/4/remove", "PATCH /contacts/3"], api.Requests.Skip(before).Select(r => $"{r.Method} {r.Path}").Order(StringComparer.Ordinal));
        Assert.Equal(0, (await RunAsync()).Sent);
    }

    [Fact]
    public async Task Run_AKeptBody_IsCutAt4KiB_AndASecretAcrossTheCutIsMaskedWhole()
    {
        api.Answer = _ => (200, "{}", null);
        // The secret starts 4,090 characters in: the cut at 4,096 falls inside it.
        Activation($"""
            url: "{api.Url}/contacts"
            batch_size: 10
            body: '{"{"}"pad": "{"{{"} "x" * 4072 {"}}"}", "k": "${"{"}API_KEY{"}"}", "contacts": {"{{"} records | tojson {"}}"}{"}"}'
            """);

        await RunAsync();

        Assert.Contains(ApiKey, api.Requests[0].Body, StringComparison.Ordinal);
        var kept = Assert.Single(Rows($"SELECT request_body FROM {ActivationTables.Requests("contacts")}"));
        Assert.Equal(ActivationDiff.KeptBodyLength + 1, kept.Length);
        Assert.Equal("{\"pad\": \"" + new string('x', 4072) + "\", \"k\": \"***", kept[..4093]);
        Assert.DoesNotContain(ApiKey[..3], kept, StringComparison.Ordinal);
        Assert.EndsWith("…", kept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ASecretWrittenIntoTheBody_ReachesTheApi_ButNotTheKeptRequests()
    {
        api.Answer = r => (400, """{"error":"bad"}""", null);
        Activation($"""
            url: "{api.Url}/contacts"
            batch_size: 10
            body: '{"{"}"api_key": "${"{"}API_KEY{"}"}", "contacts": {"{{"} records | tojson {"}}"}{"}"}'
            """);

        var result = await RunAsync();

        Assert.Equal(5, result.Rejected);
        Assert.Contains(ApiKey, api.Requests[0].Body, StringComparison.Ordinal);
        var kept = string.Join("\n", Rows($"SELECT * FROM {ActivationTables.Requests("contacts")}").Concat(Rows($"SELECT * FROM {ActivationTables.Rejected("contacts")}")));
        Assert.Contains("user1@example.com", kept, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, kept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Secrets_NeverAppearInKeptRequestsRejectionsOrMessages()
    {
        // The API echoes the credentials back, as some do in their errors.
        api.Answer = r => (400, JsonSerializer.Serialize(new { error = "bad", saw = r.Header("Authorization") + " " + r.Header("X-Api-Key") }), null);
        Activation($"""
            url: "{api.Url}/contacts?api_key=${"{"}API_KEY{"}"}"
            batch_size: 10
            headers: {"{"} X-Api-Key: "${"{"}API_KEY{"}"}" {"}"}
            auth: {"{"} type: bearer, token: "${"{"}API_TOKEN{"}"}" {"}"}
            """);

        var result = await RunAsync();

        Assert.Equal(5, result.Rejected);
        Assert.Equal("/contacts?api_key=" + ApiKey, api.Requests[0].Path);
        Assert.Equal("POST " + api.Url + "/contacts?api_key=${API_KEY}", result.Plan.Destination);
        var kept = string.Join("\n", Rows($"SELECT * FROM {ActivationTables.Requests("contacts")}").Concat(Rows($"SELECT * FROM {ActivationTables.Rejected("contacts")}")));
        Assert.Contains("Authorization", kept, StringComparison.Ordinal);
        Assert.Contains("***", kept, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, kept, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, kept, StringComparison.Ordinal);
        Assert.All(result.Receipts!.Rejections, r => Assert.DoesNotContain(Token, r.Response + r.Error, StringComparison.Ordinal));

        api.Answer = _ => (401, "token " + Token + " refused", null);
        project.Warehouse("UPDATE mart.contacts SET name = 'x'");
        var e = await Assert.ThrowsAsync<ActivationException>(() => RunAsync());
        Assert.Contains("answered 401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_CountsAndRendersTheFirstRequests_SendingNothing()
    {
        Activation($"""
            url: "{api.Url}/contacts"
            batch_size: 2
            body: '{"{"}"emails": {"{{"} records | map(attribute="email") | list | tojson {"}}"}{"}"}'
            auth: {"{"} type: bearer, token: "${"{"}API_TOKEN{"}"}" {"}"}
            """);

        var plan = await project.Service(environment).PlanAsync("contacts", new ActivationRunOptions(new DateOnly(2026, 12, 1)), CancellationToken.None);

        Assert.Empty(api.Requests);
        Assert.Equal(5, plan.Inserts);
        Assert.Equal(3, plan.Requests.Length);
        Assert.Equal(("POST", 2, """{"emails": ["user1@example.com", "user2@example.com"]}"""), (plan.Requests[0].Method, plan.Requests[0].Records, plan.Requests[0].Body));
    }

    [Fact]
    public async Task Run_Full_SendsEveryRecordWhenAnythingChanged_AndNothingOtherwise()
    {
        Activation($"url: \"{api.Url}/audience\"\nbatch_size: 100\nmode: full");
        await RunAsync();
        Assert.Equal(0, (await RunAsync()).Sent);

        project.Warehouse("DELETE FROM mart.contacts WHERE id = 5");
        var result = await RunAsync();

        Assert.Equal((4L, 0L), (result.Inserted, result.Deleted));
        Assert.Equal(2, api.Requests.Count);
        Assert.Equal(4, JsonDocument.Parse(api.Requests[1].Body).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Run_AValueThatDoesNotConvert_FailsNamingTheRecordAndField_AndSendsNothing()
    {
        project.Write("activations/contacts.yml", $"""
            query: select id, email, name from mart.contacts
            destination: {"{"} type: http, url: "{api.Url}/contacts", key: [id] {"}"}
            columns: {"{"} id: id, email: {"{"} from: email, cast: int64 {"}"} {"}"}
            """);

        var e = await Assert.ThrowsAsync<ActivationException>(() => RunAsync());

        Assert.Contains("record id=1: field 'email' cannot be converted to int64", e.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    private void Activation(string destination) => project.Write("activations/contacts.yml", $"""
        query: select id, email, name from mart.contacts
        destination:
          type: http
          key: [id]
        {string.Join("\n", destination.Split('\n').Select(l => "  " + l))}
        """);

    private Task<ActivationResult> RunAsync(bool retryRejected = false) =>
        project.Service(environment).RunAsync("contacts", new ActivationRunOptions(new DateOnly(2026, 12, 1)) { RetryRejected = retryRejected }, CancellationToken.None);

    private List<string> Rows(string sql)
    {
        using var db = Warehouse.Open(project.Project.PathOf(".nagare/warehouse.duckdb"));
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return TempProject.Rows(reader);
    }
}
