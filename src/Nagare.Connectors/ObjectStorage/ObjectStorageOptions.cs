using System.Text;

namespace Nagare.Connectors.ObjectStorage;

/// <summary>
/// Where objects live in S3 or an S3-compatible server (MinIO, Ceph, s3rver, …) and how hard Nagare may use it:
/// shared by everything that reads or writes object storage.
/// </summary>
/// <remarks>
/// <see cref="SecretAccessKey"/>, <see cref="SessionToken"/> and <see cref="AccessKeyId"/> are never part of
/// <see cref="ToString"/>, log lines or error messages. Without them the SDK's default chain is used (environment
/// variables <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, the shared credentials file, an instance role).
/// </remarks>
public sealed record ObjectStorageOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (except the last): 5 MiB.</summary>
    public const long MinPartSize = 5L << 20;

    /// <summary>The largest part Nagare sends: 1 GiB (S3 accepts 5 GiB, but each part in flight is held in memory).</summary>
    public const long MaxPartSize = 1L << 30;

    /// <summary>The bucket (<c>bucket</c>). Required.</summary>
    public string Bucket { get; init; } = "";

    /// <summary>
    /// The key prefix objects go under (<c>prefix</c>), without leading or trailing <c>/</c>; empty for the bucket's
    /// root. Keys are <c>prefix/relative/path</c>.
    /// </summary>
    public string Prefix { get; init; } = "";

    /// <summary>
    /// The server's address for S3-compatible storage (<c>endpoint</c>, e.g. <c>http://127.0.0.1:9000</c>); null for
    /// AWS itself, whose endpoint follows from <see cref="Region"/>.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The region (<c>region</c>); null for the SDK's default (<c>AWS_REGION</c>, else <c>us-east-1</c>).</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Address buckets as <c>endpoint/bucket/key</c> instead of <c>bucket.endpoint/key</c> (<c>path_style</c>).
    /// Most S3-compatible servers need it. Default false.
    /// </summary>
    public bool PathStyle { get; init; }

    /// <summary>The access key id (<c>access_key_id</c>); null for the SDK's default credential chain. Never logged.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The secret access key (<c>secret_access_key</c>), with <see cref="AccessKeyId"/>. Never logged.</summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>A session token of temporary credentials (<c>session_token</c>). Never logged.</summary>
    public string? SessionToken { get; init; }

    /// <summary>
    /// Bytes per part of a multipart upload (<c>part_size</c>, 5 MiB..1 GiB, default 8 MiB). A file no larger goes
    /// up in one request. Each upload in flight holds one part in memory. A file of more than 10,000 parts uses
    /// larger parts, as S3 allows no more.
    /// </summary>
    public long PartSize { get; init; } = 8L << 20;

    /// <summary>Requests carrying data in flight at once, over all files and parts (<c>parallel_uploads</c>, 1..64, default 4).</summary>
    public int ParallelUploads { get; init; } = 4;

    /// <summary>
    /// Further attempts of a request that failed in a way that may pass (a dropped connection, a time-out, a 5xx or
    /// throttling answer), after waits doubling from <see cref="RetryDelay"/> (<c>retries</c>, 0..10, default 3).
    /// </summary>
    public int Retries { get; init; } = 3;

    /// <summary>The wait before the first retry; each further retry waits twice as long. Default 500 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one request may take before it is given up (and retried). Default 5 minutes.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The location as users write it: <c>s3://bucket/prefix/</c>.</summary>
    public string Display => $"s3://{Bucket}/{(Prefix.Length == 0 ? string.Empty : Prefix + "/")}";

    /// <summary>The key of <paramref name="relativePath"/> (with <c>/</c>) under <see cref="Prefix"/>.</summary>
    /// <exception cref="Core.Connectors.ConnectorException">The path is empty, absolute, or has an empty, <c>.</c> or <c>..</c> segment.</exception>
    public string KeyOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Replace('\\', '/');
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new Core.Connectors.ConnectorException($"'{relativePath}' is not a relative path under {Display} (no leading '/', no empty, '.' or '..' parts).");
        }

        return Prefix.Length == 0 ? path : Prefix + "/" + path;
    }

    /// <summary>
    /// Reads <c>s3://bucket</c> or <c>s3://bucket/prefix</c> (a trailing <c>/</c> is dropped) into options with that
    /// bucket and prefix; everything else as in <paramref name="defaults"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is not an <c>s3://</c> address with a bucket.</exception>
    public static ObjectStorageOptions Parse(string address, ObjectStorageOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        const string scheme = "s3://";
        if (!address.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"'{address}' is not an s3:// address (s3://bucket/prefix)");
        }

        var rest = address[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            throw new FormatException($"'{address}' names no bucket (s3://bucket/prefix)");
        }

        return (defaults ?? new ObjectStorageOptions()) with { Bucket = bucket, Prefix = NormalizePrefix(slash < 0 ? string.Empty : rest[(slash + 1)..]) };
    }

    /// <summary>A prefix as <see cref="Prefix"/> keeps it: no leading or trailing <c>/</c>.</summary>
    public static string NormalizePrefix(string? prefix) => (prefix ?? string.Empty).Trim('/');

    /// <summary>What to write when only one of an access key id and a secret access key is given.</summary>
    public const string CredentialsTogether =
        "access_key_id and secret_access_key go together: write both, or neither to use the environment's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, an instance role)";

    /// <summary>Reads the <c>endpoint</c> setting: the server's address, or the problem with <paramref name="text"/> (then null).</summary>
    public static (Uri? Endpoint, string? Problem) ReadEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https" && endpoint.Host.Length > 0
            ? (endpoint, null)
            : (null, $"'{text}' is not an http:// or https:// address of an S3-compatible server (e.g. http://127.0.0.1:9000)");

    /// <summary>The bucket, prefix and endpoint; never the credentials.</summary>
    public override string ToString() =>
        $"{Display}{(Endpoint is null ? string.Empty : $" at {Endpoint}")} (region {Region ?? "default"}, path_style {PathStyle.ToString().ToLowerInvariant()}, credentials {(AccessKeyId is null ? "from the environment" : "configured")})";

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(ToString());
        return true;
    }
}
