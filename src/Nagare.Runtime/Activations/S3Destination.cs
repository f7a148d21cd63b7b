using Nagare.Connectors.ObjectStorage;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations;

/// <summary>
/// Split files uploaded to a bucket and prefix of S3 or an S3-compatible server, with a manifest uploaded last. The
/// files are laid out as a files destination's (<see cref="Files"/>: format, compression, limits, names, mode).
/// </summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Prefix">The key prefix, without leading or trailing <c>/</c>; empty for the bucket's root.</param>
/// <param name="Endpoint">An S3-compatible server's address; null for AWS.</param>
/// <param name="Region">The region; null for the SDK's default.</param>
/// <param name="PathStyle">Address buckets in the path rather than the host name.</param>
/// <param name="Files">How the records are written into files.</param>
public sealed record S3Destination(string Bucket, string Prefix, Uri? Endpoint, string? Region, bool PathStyle, FilesDestination Files)
    : ActivationDestination(Files.Mode, Files.Key, Files.Location)
{
    /// <summary>The access key id; null for the SDK's default credential chain.</summary>
    public Secret? AccessKeyId { get; init; }

    /// <summary>The secret access key, with <see cref="AccessKeyId"/>.</summary>
    public Secret? SecretAccessKey { get; init; }

    /// <summary>The session token of temporary credentials.</summary>
    public Secret? SessionToken { get; init; }

    /// <summary>Bytes per part of a multipart upload.</summary>
    public long PartSize { get; init; } = new ObjectStorageOptions().PartSize;

    /// <summary>Uploads in flight at once.</summary>
    public int ParallelUploads { get; init; } = new ObjectStorageOptions().ParallelUploads;

    /// <summary>Further attempts of a request that failed in a way that may pass.</summary>
    public int Retries { get; init; } = new ObjectStorageOptions().Retries;

    /// <inheritdoc/>
    public override string Type => "s3";

    /// <inheritdoc/>
    public override string Display => StorageOptions().Display + (Endpoint is null ? string.Empty : $" at {Endpoint}");

    /// <inheritdoc/>
    public override string Identity => $"s3|{Endpoint}|{Bucket}|{Prefix}|{Files.Format}|{Mode}";

    /// <summary>The object storage options of this destination, with the credentials revealed for the client.</summary>
    public ObjectStorageOptions StorageOptions() => new()
    {
        Bucket = Bucket,
        Prefix = Prefix,
        Endpoint = Endpoint,
        Region = Region,
        PathStyle = PathStyle,
        AccessKeyId = AccessKeyId?.Reveal(),
        SecretAccessKey = SecretAccessKey?.Reveal(),
        SessionToken = SessionToken?.Reveal(),
        PartSize = PartSize,
        ParallelUploads = ParallelUploads,
        Retries = Retries,
    };
}
