using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Nagare.Connectors.ObjectStorage;

namespace Nagare.Testing;

/// <summary>
/// A private s3rver (an S3-compatible server on Node.js, installed into <c>tests/s3/node_modules</c> by
/// <c>scripts/bootstrap --test</c>) on 127.0.0.1 on a free port, with its own data folder, stopped and deleted on dispose.
/// </summary>
public sealed partial class S3rverServer : IAsyncDisposable
{
    /// <summary>The access key id and secret access key s3rver accepts.</summary>
    public const string Credential = "S3RVER";

    private Process? _process;

    private S3rverServer(string directory, Uri endpoint, Process process)
    {
        Directory = directory;
        Endpoint = endpoint;
        _process = process;
    }

    /// <summary>Why the S3 tests cannot run here (no Node.js), or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    /// <summary>The server's data folder: <c>BUCKET/KEY._S3rver_object</c> holds an object's bytes.</summary>
    public string Directory { get; }

    /// <summary>The server's address (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri Endpoint { get; }

    private static string Script => Path.Combine(RepositoryRoot(), "tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");

    /// <summary>Starts a server with the buckets <paramref name="buckets"/>.</summary>
    public static async Task<S3rverServer> StartAsync(params string[] buckets)
    {
        if (Unavailable is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        // With Node.js there, a missing s3rver is a failure, not a skip: the tests must not pass silently.
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"s3rver is not installed ({Script} is missing): run scripts/bootstrap --test (scripts/test does)");
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("nagare-s3rver-").FullName;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Script, "-d", directory, "-a", "127.0.0.1", "-p", "0", "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        // Without the legacy provider s3rver's listing fails past its first page on current Node.js.
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Uri? endpoint = null;
        try
        {
            while (endpoint is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    endpoint = new Uri($"http://127.0.0.1:{match.Groups[1].Value}/");
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("s3rver did not say where it listens within 60 seconds");
        }

        if (endpoint is null)
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"s3rver stopped before listening: {await errors}");
        }

        _ = process.StandardOutput.ReadToEndAsync();
        var server = new S3rverServer(directory, endpoint, process);
        using var client = server.CreateClient();
        foreach (var bucket in buckets)
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        }

        return server;
    }

    /// <summary>Options reaching this server's <paramref name="bucket"/> with s3rver's credentials.</summary>
    public ObjectStorageOptions Options(string bucket, string prefix = "") => new()
    {
        Bucket = bucket,
        Prefix = prefix,
        Endpoint = Endpoint,
        PathStyle = true,
        AccessKeyId = Credential,
        SecretAccessKey = Credential,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };

    /// <summary>A plain SDK client of this server, to check what Nagare uploaded without going through Nagare.</summary>
    public AmazonS3Client CreateClient() => new(Credential, Credential, new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        UseHttp = true,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Every key of <paramref name="bucket"/>, in order.</summary>
    public async Task<List<string>> KeysAsync(string bucket)
    {
        using var client = CreateClient();
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }

    /// <summary>The bytes of object <paramref name="key"/>, downloaded.</summary>
    public async Task<byte[]> DownloadAsync(string bucket, string key)
    {
        using var client = CreateClient();
        using var response = await client.GetObjectAsync(bucket, key);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        return memory.ToArray();
    }

    /// <summary>Stops the server and deletes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temporary folder, cleaned with it.
        }
    }

    private static string? FindUnavailable()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "node")));
        if (!onPath)
        {
            return "Node.js is not installed: the S3 tests need s3rver, an S3-compatible server on Node.js (install Node.js 20+, then scripts/bootstrap --test)";
        }

        return null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nagare.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Nagare.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"listening on [^:\s]+:(\d+)")]
    private static partial Regex Listening();
}
