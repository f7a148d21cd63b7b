using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 and a free port that records every request and answers with a script of
/// statuses (200 once the script is used up). Connections are kept alive as clients ask.
/// </summary>
/// <example>
/// <code>
/// await using var receiver = new HttpReceiver();
/// receiver.Respond(503, 200);
/// // ... POST to receiver.Url twice ...
/// await receiver.WaitForAsync(2, TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private readonly List<Task> connections = [];
    private readonly List<ReceivedHttpRequest> requests = [];
    private readonly Queue<(int Status, string Body, TimeSpan Delay)> script = new();
    private readonly List<(int Count, TaskCompletionSource Done)> waiters = [];

    /// <summary>Starts listening at once.</summary>
    public HttpReceiver()
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{Port}/</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>The requests received so far, in order of arrival.</summary>
    public IReadOnlyList<ReceivedHttpRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>A URL of this server with <paramref name="path"/> (e.g. <c>hooks/abc</c>).</summary>
    public Uri UrlFor(string path) => new(Url, path);

    /// <summary>Answers the next requests with these statuses, in order, and empty bodies.</summary>
    public void Respond(params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            Respond(status, "");
        }
    }

    /// <summary>Answers the next request with <paramref name="status"/> and <paramref name="body"/>, after <paramref name="delay"/>.</summary>
    public void Respond(int status, string body, TimeSpan delay = default)
    {
        lock (script)
        {
            script.Enqueue((status, body, delay));
        }
    }

    /// <summary>Completes once <paramref name="count"/> requests have arrived.</summary>
    /// <exception cref="TimeoutException">Fewer arrived within <paramref name="timeout"/>.</exception>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        TaskCompletionSource done;
        lock (requests)
        {
            if (requests.Count >= count)
            {
                return;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((count, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{count} request(s) expected within {timeout}; {Requests.Count} arrived");
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        Task[] open;
        lock (connections)
        {
            open = [accepting, .. connections];
        }

        try
        {
            await Task.WhenAll(open).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Stopping breaks what was in progress; that is the point.
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (connections)
            {
                connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();

                // Reads go through a buffer (header lines are read byte by byte); writes go straight out.
                var input = new BufferedStream(stream);
                while (await ReadRequestAsync(input, stop.Token) is { } request)
                {
                    Record(request);
                    var (status, body, delay) = Next();
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, stop.Token);
                    }

                    var content = Encoding.UTF8.GetBytes(body);
                    var close = string.Equals(request.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
                    var head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {content.Length}\r\n"
                        + (close ? "Connection: close\r\n" : "") + "\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
                    await stream.WriteAsync(content, stop.Token);
                    await stream.FlushAsync(stop.Token);
                    if (close)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client went away or the receiver stopped.
            }
        }
    }

    private (int Status, string Body, TimeSpan Delay) Next()
    {
        lock (script)
        {
            return script.TryDequeue(out var next) ? next : (200, "", TimeSpan.Zero);
        }
    }

    private void Record(ReceivedHttpRequest request)
    {
        lock (requests)
        {
            requests.Add(request);
            foreach (var waiter in waiters.Where(w => requests.Count >= w.Count).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    /// <summary>The next request on the connection, or null when the client closed it.</summary>
    private static async Task<ReceivedHttpRequest?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var requestLine = await ReadLineAsync(stream, ct);
        if (requestLine is null)
        {
            return null;
        }

        var parts = requestLine.Split(' ');
        if (parts.Length != 3)
        {
            throw new IOException($"not an HTTP request line: {requestLine}");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(stream, ct) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var all = new MemoryStream();
            while (true)
            {
                var size = int.Parse((await ReadLineAsync(stream, ct) ?? "0").Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (await ReadLineAsync(stream, ct) is { Length: > 0 })
                    {
                        // Trailers are not recorded.
                    }

                    break;
                }

                var chunk = new byte[size];
                await stream.ReadExactlyAsync(chunk, ct);
                all.Write(chunk);
                await ReadLineAsync(stream, ct);
            }

            body = all.ToArray();
        }
        else
        {
            body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length, CultureInfo.InvariantCulture) : 0];
            await stream.ReadExactlyAsync(body, ct);
        }

        return new ReceivedHttpRequest(parts[0], parts[1], headers, body);
    }

    /// <summary>One CRLF-ended line of header text.</summary>
    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                return line.Count == 0 ? null : throw new IOException("connection closed in the middle of a line");
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.Latin1.GetString([.. line]).TrimEnd('\r');
            }

            line.Add(one[0]);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
