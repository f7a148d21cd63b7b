using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Nagare.Testing;

/// <summary>
/// An HTTP proxy in front of an S3 server that records every request (in the order they started and ended) and can
/// fail requests: answer every request from the Nth on with a 503 (a server that went away), or one chosen request
/// with a 500 (a failure a retry gets past). The Host header is passed on unchanged, so signatures hold.
/// </summary>
public sealed class S3FaultProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly Uri _target;
    private readonly Task _loop;
    private readonly ConcurrentQueue<ProxiedRequest> _log = new();
    private int _clock;
    private int _count;
    private int _handling;
    private Func<string, string, bool>? _failOnce;

    public S3FaultProxy(Uri target)
    {
        _target = target;
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The proxy's address.</summary>
    public Uri Endpoint { get; }

    /// <summary>When set, every request from this 0-based number on is answered with a 503.</summary>
    public int? FailFrom { get; set; }

    /// <summary>Called with the method and the path and query of each request as it arrives.</summary>
    public Action<string, string>? OnRequest { get; set; }

    /// <summary>Requests so far, with their order of starting and ending.</summary>
    /// <remarks>
    /// A request is logged once its answer is sent, so a client can be done before the proxy has logged the last one:
    /// this waits (up to 10 s) for requests still being handled.
    /// </remarks>
    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref _handling) == 0, TimeSpan.FromSeconds(10));
            return [.. _log.OrderBy(r => r.Started)];
        }
    }

    /// <summary>Answers the first request for which <paramref name="predicate"/> (method, path and query) holds with a 500.</summary>
    public void FailOnce(Func<string, string, bool> predicate) => _failOnce = predicate;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }

        _client.Dispose();
    }

    private static async Task ErrorAsync(HttpListenerResponse response, int status, string code, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/xml";
        var error = System.Text.Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>");
        response.ContentLength64 = error.Length;
        await response.OutputStream.WriteAsync(error);
        response.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        Interlocked.Increment(ref _handling);
        var number = Interlocked.Increment(ref _count) - 1;
        var started = Interlocked.Increment(ref _clock);
        var url = request.RawUrl ?? "/";
        OnRequest?.Invoke(request.HttpMethod, url);
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        var status = 0;
        try
        {
            if (number >= FailFrom)
            {
                status = 503;
                await ErrorAsync(context.Response, status, "ServiceUnavailable", "injected outage");
                return;
            }

            if (_failOnce is { } predicate && predicate(request.HttpMethod, url) && Interlocked.CompareExchange(ref _failOnce, null, predicate) == predicate)
            {
                status = 500;
                await ErrorAsync(context.Response, status, "InternalError", "injected failure");
                return;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_target, url));
            forward.Content = new ByteArrayContent(body.ToArray());
            foreach (var name in request.Headers.AllKeys.OfType<string>())
            {
                var value = request.Headers[name]!;
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    forward.Headers.Host = value;
                }
                else if (name is "Expect" or "Connection" or "Keep-Alive" or "Transfer-Encoding" or "Content-Length")
                {
                    continue;
                }
                else if (!forward.Headers.TryAddWithoutValidation(name, value))
                {
                    forward.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead);
            status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (name is "Transfer-Encoding" or "Connection" or "Keep-Alive" or "Content-Length")
                {
                    continue;
                }

                context.Response.Headers[name] = string.Join(",", values);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync();
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        finally
        {
            _log.Enqueue(new ProxiedRequest(request.HttpMethod, url, body.Length, status, started, Interlocked.Increment(ref _clock)));
            Interlocked.Decrement(ref _handling);
        }
    }
}
