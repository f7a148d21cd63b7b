using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Nagare.Connectors.ObjectStorage;

/// <summary>Creates the SDK's S3 client for <see cref="ObjectStorageOptions"/>: endpoint, region, addressing and credentials.</summary>
public static class S3ClientFactory
{
    /// <summary>A client for <paramref name="options"/>; the caller disposes it.</summary>
    /// <exception cref="ArgumentException">A secret access key without an access key id, or the reverse.</exception>
    public static AmazonS3Client Create(ObjectStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.AccessKeyId is null) != (options.SecretAccessKey is null) || (options.SessionToken is not null && options.AccessKeyId is null))
        {
            throw new ArgumentException("An access key id and a secret access key go together (and a session token needs both).", nameof(options));
        }

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.PathStyle,
            Timeout = options.RequestTimeout,

            // Every request goes through S3ObjectStore's own retries, so each failure is counted (and waited
            // for) once, and a part is retried from the bytes already read rather than from a rewound stream.
            MaxErrorRetry = 0,

            // The SDK's default CRC checksums go in a trailer that needs chunked uploads, which S3-compatible servers
            // store corrupted or refuse; every put carries a Content-MD5 instead, which S3 and those servers check.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.UseHttp = endpoint.Scheme == Uri.UriSchemeHttp;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        AWSCredentials? credentials = options switch
        {
            { AccessKeyId: { } id, SecretAccessKey: { } secret, SessionToken: { } token } => new SessionAWSCredentials(id, secret, token),
            { AccessKeyId: { } id, SecretAccessKey: { } secret } => new BasicAWSCredentials(id, secret),
            _ => null,
        };
        var client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        client.BeforeRequestEvent += KeepCopySourceSlashes;
        return client;
    }

    /// <summary>
    /// Sends the source of a copy as <c>bucket/key</c> with its slashes as they are (each name's other characters
    /// still encoded). The SDK encodes the slashes too; S3 reads both forms, but S3-compatible servers that decode the
    /// header as a path (s3rver among them) then find no bucket. Runs before the request is signed.
    /// </summary>
    private static void KeepCopySourceSlashes(object sender, RequestEventArgs e)
    {
        const string header = "x-amz-copy-source";
        if (e is WebServiceRequestEventArgs request && request.Headers.TryGetValue(header, out var source))
        {
            request.Headers[header] = source.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }
    }
}
