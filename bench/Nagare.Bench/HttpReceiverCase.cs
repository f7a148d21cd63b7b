using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nagare.Bench;

/// <summary>
/// The API an HTTP activation sends to in bench/activations/http.sh: Kestrel on 127.0.0.1 and a free port (written to
/// URL_FILE once listening). <c>POST /records</c> reads the body, counts the records of its JSON array and answers 200
/// with no body; <c>GET /stats</c> answers what it saw since the last <c>/stats</c> and starts counting again:
/// requests, records, seconds from the first request's arrival to the last answer, and the most requests that arrived
/// within any sliding second. Runs until SIGTERM.
/// </summary>
internal static class HttpReceiverCase
{
    private static readonly object Gate = new();
    private static readonly Queue<long> Window = new();
    private static long requests;
    private static long records;
    private static long first;
    private static long last;
    private static int maxPerSecond;

    public static async Task<int> RunAsync(string urlFile)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/records", ReceiveAsync);
        app.MapGet("/stats", Stats);
        await app.StartAsync();
        await File.WriteAllTextAsync(urlFile, app.Urls.First());
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task ReceiveAsync(HttpContext context)
    {
        Arrived(Stopwatch.GetTimestamp());
        var body = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await body.ReadAsync();
            if (read.IsCompleted)
            {
                break;
            }

            // Nothing consumed, all examined: the next read returns once the whole body is buffered.
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var count = Count(read.Buffer);
        body.AdvanceTo(read.Buffer.End);
        context.Response.StatusCode = 200;
        context.Response.ContentLength = 0;
        lock (Gate)
        {
            requests++;
            records += count;
            last = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Objects at the top level of the JSON array.</summary>
    private static int Count(ReadOnlySequence<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 1)
            {
                count++;
                reader.Skip();
            }
        }

        return count;
    }

    private static void Arrived(long now)
    {
        lock (Gate)
        {
            if (first == 0)
            {
                first = now;
            }

            while (Window.Count > 0 && Window.Peek() <= now - Stopwatch.Frequency)
            {
                Window.Dequeue();
            }

            Window.Enqueue(now);
            maxPerSecond = Math.Max(maxPerSecond, Window.Count);
        }
    }

    private static IResult Stats()
    {
        lock (Gate)
        {
            var seconds = first == 0 ? 0 : (double)(last - first) / Stopwatch.Frequency;
            var text = string.Create(CultureInfo.InvariantCulture, $$"""{"requests":{{requests}},"records":{{records}},"seconds":{{seconds:0.0000}},"maxPerSecond":{{maxPerSecond}}}""");
            (requests, records, first, last, maxPerSecond) = (0, 0, 0, 0, 0);
            Window.Clear();
            return Results.Text(text, "application/json");
        }
    }
}
