using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>
/// A real, minimal SMTP server on 127.0.0.1 and a free port: greeting, EHLO/HELO, AUTH LOGIN and PLAIN (any
/// credentials accepted and recorded), MAIL, RCPT, DATA, RSET, NOOP, QUIT. No STARTTLS (it answers 454). The reply
/// to the end of DATA follows a script of codes (250 once it is used up); only messages answered 250 are recorded.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private readonly List<Task> connections = [];
    private readonly List<ReceivedMail> messages = [];
    private readonly Queue<int> script = new();
    private readonly List<(int Count, TaskCompletionSource Done)> waiters = [];
    private int transactions;

    /// <summary>Starts listening at once.</summary>
    public SmtpReceiver()
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    /// <summary><c>127.0.0.1</c>.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The messages accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Messages
    {
        get
        {
            lock (messages)
            {
                return [.. messages];
            }
        }
    }

    /// <summary>DATA transactions answered so far, accepted or not.</summary>
    public int Transactions => Volatile.Read(ref transactions);

    /// <summary>Answers the end of the next DATA transactions with these codes, in order (e.g. 451, then 250).</summary>
    public void ReplyToData(params int[] codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        lock (script)
        {
            foreach (var code in codes)
            {
                script.Enqueue(code);
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> messages have been accepted.</summary>
    /// <exception cref="TimeoutException">Fewer were within <paramref name="timeout"/>.</exception>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        TaskCompletionSource done;
        lock (messages)
        {
            if (messages.Count >= count)
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
            throw new TimeoutException($"{count} message(s) expected within {timeout}; {Messages.Count} arrived");
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
                using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
                await SessionAsync(reader, writer, stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client went away or the receiver stopped.
            }
        }
    }

    private async Task SessionAsync(StreamReader reader, StreamWriter writer, CancellationToken ct)
    {
        string? user = null, password = null, from = null;
        var recipients = new List<string>();
        await writer.WriteLineAsync("220 127.0.0.1 Nagare test SMTP ready".AsMemory(), ct);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            var verb = (line.Split(' ', 2)[0]).ToUpperInvariant();
            var argument = line.Length > verb.Length ? line[(verb.Length + 1)..] : "";
            string reply;
            switch (verb)
            {
                case "EHLO":
                    reply = "250-127.0.0.1 greets you\r\n250-AUTH LOGIN PLAIN\r\n250 HELP";
                    break;
                case "HELO":
                    reply = "250 127.0.0.1";
                    break;
                case "AUTH":
                    (user, password) = await AuthenticateAsync(argument, reader, writer, ct);
                    reply = user is null ? "504 5.5.4 Unrecognized authentication type" : "235 2.7.0 Authentication successful";
                    break;
                case "MAIL":
                    from = Address(argument);
                    recipients.Clear();
                    reply = "250 2.1.0 OK";
                    break;
                case "RCPT":
                    recipients.Add(Address(argument));
                    reply = "250 2.1.5 OK";
                    break;
                case "DATA" when from is null || recipients.Count == 0:
                    reply = "503 5.5.1 MAIL and RCPT first";
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>".AsMemory(), ct);
                    var data = await ReadDataAsync(reader, ct);
                    var code = NextCode();
                    if (code == 250)
                    {
                        Record(new ReceivedMail(user, password, from, [.. recipients], data));
                    }
                    else
                    {
                        Interlocked.Increment(ref transactions);
                    }

                    from = null;
                    recipients.Clear();
                    reply = code == 250 ? "250 2.0.0 OK queued" : $"{code} {(code < 500 ? "4.3.0 Try again later" : "5.7.1 Rejected")}";
                    break;
                case "RSET":
                    from = null;
                    recipients.Clear();
                    reply = "250 2.0.0 OK";
                    break;
                case "NOOP":
                    reply = "250 2.0.0 OK";
                    break;
                case "STARTTLS":
                    reply = "454 4.7.0 TLS not available";
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye".AsMemory(), ct);
                    return;
                default:
                    reply = "502 5.5.2 Command not recognized";
                    break;
            }

            await writer.WriteLineAsync(reply.AsMemory(), ct);
        }
    }

    /// <summary>AUTH LOGIN or PLAIN, with or without an initial response; (null, null) for other mechanisms.</summary>
    private static async Task<(string? User, string? Password)> AuthenticateAsync(string argument, StreamReader reader, StreamWriter writer, CancellationToken ct)
    {
        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        var initial = parts.Length > 1 ? parts[1] : null;
        async Task<string> AskAsync(string prompt)
        {
            await writer.WriteLineAsync(("334 " + prompt).AsMemory(), ct);
            return await reader.ReadLineAsync(ct) ?? throw new IOException("client left during AUTH");
        }

        static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));

        switch (mechanism)
        {
            case "LOGIN":
                var user = Decode(initial ?? await AskAsync("VXNlcm5hbWU6"));
                var password = Decode(await AskAsync("UGFzc3dvcmQ6"));
                return (user, password);
            case "PLAIN":
                var fields = Decode(initial ?? await AskAsync("")).Split('\0');
                return (fields[1], fields[2]);
            default:
                return (null, null);
        }
    }

    /// <summary>Lines up to the lone dot, dot-stuffing undone, joined by CRLF.</summary>
    private static async Task<string> ReadDataAsync(StreamReader reader, CancellationToken ct)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line && line != ".")
        {
            lines.Add(line.StartsWith('.') ? line[1..] : line);
        }

        return string.Join("\r\n", lines);
    }

    /// <summary>The address between angle brackets of <c>FROM:&lt;a@b&gt; SIZE=…</c>.</summary>
    private static string Address(string argument)
    {
        var start = argument.IndexOf('<', StringComparison.Ordinal);
        var end = argument.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? argument[(start + 1)..end] : argument[(argument.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private int NextCode()
    {
        lock (script)
        {
            return script.TryDequeue(out var code) ? code : 250;
        }
    }

    private void Record(ReceivedMail mail)
    {
        lock (messages)
        {
            Interlocked.Increment(ref transactions);
            messages.Add(mail);
            foreach (var waiter in waiters.Where(w => messages.Count >= w.Count).ToList())
            {
                waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }
}
