using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Nagare.Core.Types;
using Nagare.Runtime.Notifications;

namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Sends an activation's records to an HTTP API: read from the warehouse as JSON in key order, grouped into requests
/// of <c>batch_size</c> records, sent by <c>concurrency</c> senders under one rate, retried on 429, 5xx, 408 and network
/// errors (honouring <c>Retry-After</c>, else doubling back-off with jitter). A 2xx answer confirms the request's
/// records (or, with a <c>response:</c> mapping, each record its result says was accepted); another 4xx, or retries
/// exhausted, rejects them; a 401 that a new OAuth token does not cure stops the run. What was answered is returned
/// in <see cref="ActivationResult.Receipts"/>, from which the snapshot advances by the confirmed records alone.
/// </summary>
public sealed partial class HttpTarget : IActivationTarget, IActivationPreview
{
    /// <summary>Longest <c>Retry-After</c> honoured; a longer one is waited this long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(15);

    /// <summary>Longest back-off between retries.</summary>
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);

    private static readonly JsonSerializerOptions HeaderJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string activation;
    private readonly HttpDestination destination;
    private readonly TimeProvider time;
    private readonly HttpClient http;
    private readonly HttpRedactor redactor = new();
    private readonly HttpAuthenticator authenticator;
    private readonly HttpRequestPacer pacer;
    private readonly HashSet<string> secretHeaders = new(StringComparer.OrdinalIgnoreCase);
    private long sequence;

    /// <summary>A target for activation <paramref name="activation"/>; <paramref name="handler"/> replaces the network stack (tests), else a pooled one is made.</summary>
    public HttpTarget(string activation, HttpDestination destination, TimeProvider time, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        this.activation = activation;
        this.destination = destination;
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        // Each attempt has its own time-out (destination.Timeout), told apart from the run being cancelled.
        http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("nagare-activation");
        authenticator = new HttpAuthenticator(destination.Auth, http, time, redactor, activation);
        pacer = new HttpRequestPacer(destination.RequestsPerSecond, time);
        secretHeaders.UnionWith(authenticator.SecretHeaders);
        foreach (var secret in destination.Request.UrlSecrets.AddRange(destination.Request.BodySecrets)
                     .AddRange(destination.Delete?.UrlSecrets ?? []).AddRange(destination.Delete?.BodySecrets ?? []))
        {
            redactor.Add(secret.Reveal());
        }

        foreach (var header in destination.Headers.Where(h => h.Secret is not null))
        {
            secretHeaders.Add(header.Name);
            redactor.Add(header.Reveal());
        }
    }

    /// <summary>Tokens fetched from an OAuth 2.0 token endpoint by this target.</summary>
    public int TokensFetched => authenticator.TokensFetched;

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, ColumnType>> DescribeAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, ColumnType>>(new Dictionary<string, ColumnType>());

    /// <inheritdoc/>
    public async Task<ActivationResult> SendAsync(ActivationDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var plan = delivery.Plan;
        var receipts = new ActivationReceipts(destination.RetentionDays);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<HttpBatch>(new BoundedChannelOptions(destination.Concurrency) { SingleWriter = true });
        var senders = Enumerable.Range(0, destination.Concurrency)
            .Select(_ => Task.Run(() => SendAllAsync(queue.Reader, receipts, stop), CancellationToken.None))
            .ToArray();
        try
        {
            await foreach (var batch in BatchesAsync(delivery, plan.SendsAll, stop.Token).ConfigureAwait(false))
            {
                await queue.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A sender stopped the run (its reason is in the receipts), or the caller cancelled (below).
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Reading or rendering failed: the senders stop too, and the service reports it once the confirmed
            // records are recorded.
            receipts.Fail(e);
            await stop.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(senders).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            receipts.Fail(new OperationCanceledException(cancellationToken));
        }

        return new ActivationResult(plan, receipts.Inserted, receipts.Updated, receipts.Deleted, receipts.Rejected, 0, 0, null, 0) { Receipts = receipts };
    }

    /// <inheritdoc/>
    public async Task<ImmutableArray<ActivationRequestSample>> PreviewAsync(ActivationDelivery delivery, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var samples = ImmutableArray.CreateBuilder<ActivationRequestSample>();
        // The first requests of each kind: the inserts and updates, then the deletes.
        var limit = count * destination.BatchSize;
        await foreach (var batch in BatchesAsync(delivery, delivery.Plan.SendsAll, cancellationToken, limit).ConfigureAwait(false))
        {
            var (uri, body) = batch.Renderer.Render(batch.Records);
            var operation = batch.Records.Select(r => r.Operation).Distinct().Count() == 1 ? batch.Records[0].Operation : "send";
            samples.Add(new ActivationRequestSample(operation, batch.Records.Count, batch.Renderer.Method, redactor.Redact(uri.ToString()), body is null ? null : redactor.Redact(Encoding.UTF8.GetString(body))));
        }

        return samples.ToImmutable();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The run's requests: the inserts and updates (every record when the whole result is sent), then the deletes.</summary>
    private async IAsyncEnumerable<HttpBatch> BatchesAsync(ActivationDelivery delivery, bool all, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, int? limit = null)
    {
        var single = destination.BatchSize == 1;
        var main = new HttpRequestRenderer(destination.Request, single, delivery.TemplateContext, activation, "destination");
        var parts = new List<(ActivationRecords Records, HttpRequestRenderer Renderer)> { (all ? ActivationRecords.All : ActivationRecords.Changes, main) };
        if (destination.Delete is { } delete && destination.Mode == ActivationMode.Changes && delivery.Plan.Deletes > 0)
        {
            parts.Add((ActivationRecords.DeletedKeys, new HttpRequestRenderer(delete, single, delivery.TemplateContext, activation, "destination.delete")));
        }

        foreach (var (records, renderer) in parts)
        {
            // The warehouse reader calls back record by record; a bounded hand-over keeps it streaming into the senders.
            var handOver = Channel.CreateBounded<HttpBatch>(1);
            using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = Task.Run(
                async () =>
                {
                    try
                    {
                        var current = new List<ActivationRecord>(destination.BatchSize);
                        await delivery.ReadRecordsAsync(records, limit, async (record, ct) =>
                        {
                            current.Add(record);
                            if (current.Count == destination.BatchSize)
                            {
                                await handOver.Writer.WriteAsync(new HttpBatch(renderer, current), ct).ConfigureAwait(false);
                                current = new List<ActivationRecord>(destination.BatchSize);
                            }
                        }, abandon.Token).ConfigureAwait(false);
                        if (current.Count > 0)
                        {
                            await handOver.Writer.WriteAsync(new HttpBatch(renderer, current), abandon.Token).ConfigureAwait(false);
                        }

                        handOver.Writer.TryComplete();
                    }
                    catch (Exception e)
                    {
                        handOver.Writer.TryComplete(e);
                    }
                },
                CancellationToken.None);
            try
            {
                await foreach (var batch in handOver.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return batch;
                }
            }
            finally
            {
                // The reader holds the warehouse connection, which the snapshot is saved on next: it ends first (told to
                // stop when the batches are not all taken).
                await abandon.CancelAsync().ConfigureAwait(false);
                await reading.ConfigureAwait(false);
            }
        }
    }

    private async Task SendAllAsync(ChannelReader<HttpBatch> queue, ActivationReceipts receipts, CancellationTokenSource stop)
    {
        try
        {
            await foreach (var batch in queue.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                await SendAsync(batch, receipts, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run stops: what was confirmed so far is in the receipts.
        }
        catch (Exception e)
        {
            receipts.Fail(e);
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends one request until it is answered for good; confirms or rejects its records.</summary>
    private async Task SendAsync(HttpBatch batch, ActivationReceipts receipts, CancellationToken cancellationToken)
    {
        var (uri, body) = batch.Renderer.Render(batch.Records);
        var number = Interlocked.Increment(ref sequence);
        var retries = 0;
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            HttpAnswer answer;
            try
            {
                answer = await AttemptAsync(batch.Renderer.Method, uri, body, number, attempt, receipts, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pacer.Answered();
            }

            if (answer.Status is >= 200 and < 300)
            {
                Settle(batch.Records, answer, receipts);
                return;
            }

            if (answer.Status == 401 && authenticator.CanRefresh && !refreshed)
            {
                refreshed = true;
                authenticator.Refused(answer.Token);
                continue;
            }

            if (answer.Status == 401)
            {
                throw new ActivationException($"Activation '{activation}': {batch.Renderer.Method} {redactor.Redact(uri.ToString())} answered 401: the API refused the credentials{Quote(answer.Body)}")
                {
                    Hint = "Check the destination's auth (and the secrets it names); records not confirmed are sent again by the next run.",
                };
            }

            var transient = answer.Status is null or 408 or 429 or >= 500;
            if (!transient || retries >= destination.MaxRetries)
            {
                var error = answer.Error ?? $"answered {answer.Status} {answer.Reason}".TrimEnd();
                if (transient)
                {
                    error += string.Create(CultureInfo.InvariantCulture, $" ({attempt} attempts)");
                }

                foreach (var record in batch.Records)
                {
                    receipts.Reject(record, answer.Status, answer.Body, error);
                }

                return;
            }

            retries++;
            if (answer.RetryAfter is { } retryAfter)
            {
                // The API said when: every sender waits, not only this one.
                pacer.PauseUntil(time.GetUtcNow() + retryAfter);
            }
            else
            {
                await Task.Delay(Backoff(retries), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A 2xx answer: every record confirmed, or, with a response mapping, each as its result says.</summary>
    private void Settle(List<ActivationRecord> records, HttpAnswer answer, ActivationReceipts receipts)
    {
        if (destination.Response is not { } mapping)
        {
            receipts.Confirm(records);
            return;
        }

        var results = HttpResponseResults.Read(mapping, answer.Text, records.Count);
        if (results.Problem is { } problem)
        {
            foreach (var record in records)
            {
                receipts.Reject(record, answer.Status, answer.Body, problem);
            }

            return;
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (results.Errors[i] is { } error)
            {
                receipts.Reject(records[i], answer.Status, redactor.Keep(results.Items[i], ActivationDiff.KeptBodyLength), redactor.Redact(error));
            }
            else
            {
                receipts.Confirm(records[i]);
            }
        }
    }

    /// <summary>One attempt: the request sent, its answer read and kept (redacted, truncated).</summary>
    private async Task<HttpAnswer> AttemptAsync(string method, Uri uri, byte[]? body, long number, int attempt, ActivationReceipts receipts, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        foreach (var header in destination.Headers)
        {
            if (request.Content is not null && header.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.Remove(header.Name);
                request.Content.Headers.TryAddWithoutValidation(header.Name, header.Reveal());
            }
            else
            {
                request.Headers.TryAddWithoutValidation(header.Name, header.Reveal());
            }
        }

        var token = await authenticator.ApplyAsync(request, body, cancellationToken).ConfigureAwait(false);
        var requestHeaders = Headers(request.Headers, request.Content?.Headers);
        var sentAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(destination.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpAnswer answer;
        string? responseHeaders = null;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            responseHeaders = Headers(response.Headers, response.Content.Headers);
            var text = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            answer = new HttpAnswer((int)response.StatusCode, response.ReasonPhrase, text, redactor.Keep(text, ActivationDiff.KeptBodyLength), RetryAfter(response), null, token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            answer = HttpAnswer.Failed(string.Create(CultureInfo.InvariantCulture, $"no answer within {destination.Timeout.TotalSeconds:0.###} s"));
        }
        catch (HttpRequestException e)
        {
            // The exception's message names host and port; the reason is rebuilt from its codes.
            answer = HttpAnswer.Failed($"could not be reached: {NoticeSender.Describe(e)}");
        }
        catch (IOException e)
        {
            answer = HttpAnswer.Failed($"the answer broke off: {e.Message}");
        }

        receipts.Attempted(new ActivationExchange(
            number,
            attempt,
            sentAt,
            method,
            redactor.Redact(uri.ToString()),
            requestHeaders,
            body is null || !receipts.KeepsExchanges ? null : redactor.KeepUtf8(body, ActivationDiff.KeptBodyLength),
            answer.Status,
            responseHeaders,
            answer.Body,
            answer.Error ?? (answer.Status is >= 200 and < 300 ? null : $"answered {answer.Status} {answer.Reason}".TrimEnd()),
            time.GetElapsedTime(started).TotalMilliseconds));
        return answer;
    }

    /// <summary>Headers as a JSON object, the values of secret ones masked and every secret redacted.</summary>
    private string Headers(HttpHeaders headers, HttpHeaders? content)
    {
        var all = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in content is null ? headers : headers.Concat(content))
        {
            all[name] = secretHeaders.Contains(name) ? HttpRedactor.Mask : redactor.Redact(string.Join(", ", values));
        }

        return JsonSerializer.Serialize(all, HeaderJson);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var value = response.Headers.RetryAfter;
        var wait = value?.Delta ?? (value?.Date is { } date ? date - time.GetUtcNow() : null);
        return wait is not { } w ? null : w < TimeSpan.Zero ? TimeSpan.Zero : w > MaxRetryAfter ? MaxRetryAfter : w;
    }

    /// <summary>The wait before retry <paramref name="retry"/> when the API did not say: doubling from <c>backoff</c>, at random between half and all of it.</summary>
    private TimeSpan Backoff(int retry)
    {
        var exact = destination.Backoff * Math.Pow(2, Math.Min(retry - 1, 20));
        exact = exact > MaxBackoff ? MaxBackoff : exact;
#pragma warning disable CA5394 // Jitter spreads retries of many senders; it protects nothing.
        return exact * (0.5 + (0.5 * Random.Shared.NextDouble()));
#pragma warning restore CA5394
    }

    private static string Quote(string? body) => string.IsNullOrWhiteSpace(body) ? "." : $": {(body.Length <= 300 ? body : string.Concat(body.AsSpan(0, 300), "…"))}";

    /// <summary>The records of one request and how it is rendered.</summary>
    private sealed record HttpBatch(HttpRequestRenderer Renderer, List<ActivationRecord> Records);

    /// <summary>What an attempt got: a status and body (the full <paramref name="Text"/>, and <paramref name="Body"/> redacted and cut to keep), or an error.</summary>
    private sealed record HttpAnswer(int? Status, string? Reason, string? Text, string? Body, TimeSpan? RetryAfter, string? Error, string? Token)
    {
        public static HttpAnswer Failed(string error) => new(null, null, null, null, null, error, null);
    }
}
