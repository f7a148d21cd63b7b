using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Nagare.Bench;

/// <summary>
/// HTTP load against a running <c>nagare serve</c>, in one of two shapes:
/// <list type="bullet">
/// <item>open loop (<c>--rate R</c>): requests are due at fixed times, R per second, whatever the server does. Each
/// latency runs from the request's due time, not from when it was sent, so a server that falls behind shows as
/// latency rather than as a lower rate (no coordinated omission). Requests beyond the connection bound wait inside
/// HttpClient, and that wait counts.</item>
/// <item>closed loop (no <c>--rate</c>): <c>--concurrency</c> callers each send the next request when the last one
/// answered: the throughput the server gives.</item>
/// </list>
/// Prints one JSON line: rate asked and achieved (2xx answers per second), errors (non-2xx answers and exceptions,
/// timeouts included), latency percentiles in ms over every request (a timed-out one counts its timeout).
/// </summary>
internal static class ServerLoadCase
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        if (options.Token is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var load = new Load(client, options);
        if (options.WarmupSeconds > 0)
        {
            // Opens the connections and lets both sides compile their hot paths; nothing of it is counted.
            await (options.Rate is { } warmRate ? load.OpenAsync(warmRate, options.WarmupSeconds) : load.ClosedAsync(options.WarmupSeconds)).ConfigureAwait(false);
        }

        var result = await (options.Rate is { } rate ? load.OpenAsync(rate, options.Seconds) : load.ClosedAsync(options.Seconds)).ConfigureAwait(false);
        Console.WriteLine(result.Json(options));
        if (result.FirstError is { } error)
        {
            Console.Error.WriteLine($"first error: {error}");
        }

        return 0;
    }

    private sealed record Options(string Url, string? Token, string Path, string Method, string? Body, double? Rate, double Seconds, int Concurrency, double WarmupSeconds, double TimeoutSeconds)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 1; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"server-load: expected --NAME VALUE pairs; got '{args[i]}'.");
                }

                values[args[i][2..]] = args[++i];
            }

            string? Get(string name) => values.Remove(name, out var value) ? value : null;
            double Number(string name, double fallback) => Get(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
            var options = new Options(
                Get("url") ?? throw new ArgumentException("server-load: --url is required."),
                Get("token"),
                Get("path") ?? "/api/v1/health",
                (Get("method") ?? "GET").ToUpperInvariant(),
                Get("body"),
                Get("rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : null,
                Number("seconds", 10),
                (int)Number("concurrency", 64),
                Number("warmup", 0),
                Number("timeout", 10));
            if (values.Count > 0)
            {
                throw new ArgumentException($"server-load: unknown option --{values.Keys.First()}.");
            }

            return options;
        }
    }

    private sealed record Result(long Requests, long Errors, long NonSuccess, long Exceptions, double Seconds, long[] LatencyTicks, double SendLagP99Ms, string? FirstError)
    {
        public string Json(Options options)
        {
            Array.Sort(LatencyTicks);
            string Ms(double ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("0.00", CultureInfo.InvariantCulture);
            string At(double quantile) => LatencyTicks.Length == 0 ? "null" : Ms(LatencyTicks[Math.Min(LatencyTicks.Length - 1, (int)Math.Ceiling(quantile * LatencyTicks.Length) - 1)]);
            var invariant = CultureInfo.InvariantCulture;
            return string.Create(invariant, $$"""{"mode":"{{(options.Rate is null ? "closed" : "open")}}","method":"{{options.Method}}","path":"{{options.Path}}","rate":{{(options.Rate is { } r ? r.ToString(invariant) : "null")}},"concurrency":{{options.Concurrency}},"seconds":{{Seconds:0.00}},"requests":{{Requests}},"achieved":{{(Requests - Errors) / Seconds:0.0}},"errors":{{Errors}},"non2xx":{{NonSuccess}},"exceptions":{{Exceptions}},"p50":{{At(0.50)}},"p90":{{At(0.90)}},"p99":{{At(0.99)}},"max":{{(LatencyTicks.Length == 0 ? "null" : Ms(LatencyTicks[^1]))}},"sendLagP99":{{SendLagP99Ms:0.00}}}""");
        }
    }

    private sealed class Load(HttpClient client, Options options)
    {
        private long nonSuccess;
        private long exceptions;
        private string? firstError;

        /// <summary>
        /// Sends <paramref name="rate"/> requests a second for <paramref name="seconds"/>. One dedicated thread hands out
        /// requests as they fall due; it sleeps 1 ms between checks, so a request leaves at most about a millisecond late,
        /// and how late (the send lag) is reported so that a client too slow to keep up is seen as such.
        /// </summary>
        public async Task<Result> OpenAsync(double rate, double seconds)
        {
            Reset();
            var count = (int)(rate * seconds);
            var latencies = new long[count];
            var lags = new long[count];
            var pending = new Task[count];
            var interval = Stopwatch.Frequency / rate;
            var start = Stopwatch.GetTimestamp();
            var dispatcher = new Thread(() =>
            {
                for (var i = 0; i < count; i++)
                {
                    var due = start + (long)(i * interval);
                    while (Stopwatch.GetTimestamp() < due)
                    {
                        Thread.Sleep(1);
                    }

                    lags[i] = Stopwatch.GetTimestamp() - due;
                    var index = i;
                    pending[i] = Task.Run(async () => latencies[index] = await SendAsync().ConfigureAwait(false) - due);
                }
            }) { IsBackground = true, Name = "load dispatcher", Priority = ThreadPriority.AboveNormal };
            dispatcher.Start();
            await Task.Run(dispatcher.Join).ConfigureAwait(false);
            await Task.WhenAll(pending).ConfigureAwait(false);
            var elapsed = Math.Max(seconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
            Array.Sort(lags);
            var lagP99 = count == 0 ? 0 : lags[Math.Max(0, (int)Math.Ceiling(0.99 * count) - 1)] * 1000.0 / Stopwatch.Frequency;
            return new Result(count, nonSuccess + exceptions, nonSuccess, exceptions, elapsed, latencies, lagP99, firstError);
        }

        /// <summary>Each of <see cref="Options.Concurrency"/> callers sends its next request when its last one answered.</summary>
        public async Task<Result> ClosedAsync(double seconds)
        {
            Reset();
            var start = Stopwatch.GetTimestamp();
            var end = start + (long)(seconds * Stopwatch.Frequency);
            var perCaller = await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
            {
                var mine = new List<long>();
                while (Stopwatch.GetTimestamp() < end)
                {
                    var sent = Stopwatch.GetTimestamp();
                    mine.Add(await SendAsync().ConfigureAwait(false) - sent);
                }

                return mine;
            }))).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var latencies = perCaller.SelectMany(l => l).ToArray();
            return new Result(latencies.Length, nonSuccess + exceptions, nonSuccess, exceptions, elapsed, latencies, 0, firstError);
        }

        private void Reset()
        {
            nonSuccess = 0;
            exceptions = 0;
            firstError = null;
        }

        /// <summary>Sends one request, reads the whole answer, and returns the timestamp when it was read.</summary>
        private async Task<long> SendAsync()
        {
            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(options.Method), options.Path);
                if (options.Body is { } body)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref nonSuccess);
                    Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                Interlocked.Increment(ref exceptions);
                Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
            }

            return Stopwatch.GetTimestamp();
        }
    }
}
