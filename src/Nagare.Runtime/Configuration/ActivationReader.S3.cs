using System.Text.RegularExpressions;
using Nagare.Connectors.ObjectStorage;
using Nagare.Runtime.Activations;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>The destination <c>type: s3</c>: where the objects go, then every key of files.</summary>
internal static partial class ActivationReader
{
    private static S3Destination ReadS3(YamlSection section)
    {
        var bucket = section.RequiredString("bucket");
        if (bucket.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || bucket.Contains('/', StringComparison.Ordinal))
        {
            throw section.Error("bucket", $"'{bucket}' is not a bucket name: write the bucket alone (bucket: exports) and the folder under prefix: (prefix: segments/daily)");
        }

        if (!BucketName().IsMatch(bucket))
        {
            throw section.Error("bucket", $"'{bucket}' is not a valid bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
        }

        var prefix = ObjectStorageOptions.NormalizePrefix(section.String("prefix"));
        if (prefix.Length > 0 && prefix.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw section.Error("prefix", $"'{prefix}' has an empty, '.' or '..' part: write folders separated by single '/' (prefix: exports/segments)");
        }

        Uri? endpoint = null;
        if (section.String("endpoint") is { } text)
        {
            (endpoint, var problem) = ObjectStorageOptions.ReadEndpoint(text);
            if (problem is not null)
            {
                throw section.Error("endpoint", problem);
            }
        }

        var region = section.String("region");
        var pathStyle = section.Bool("path_style") ?? endpoint is not null;
        var accessKeyId = section.Secret("access_key_id");
        var secretAccessKey = SecretReference(section, "secret_access_key");
        var sessionToken = SecretReference(section, "session_token");
        if ((accessKeyId is null) != (secretAccessKey is null))
        {
            throw section.Error(accessKeyId is null ? "access_key_id" : "secret_access_key", ObjectStorageOptions.CredentialsTogether);
        }

        if (sessionToken is not null && accessKeyId is null)
        {
            throw section.Error("session_token", "needs access_key_id and secret_access_key");
        }

        var partSize = Size(section, "part_size") ?? new ObjectStorageOptions().PartSize;
        if (partSize is < ObjectStorageOptions.MinPartSize or > ObjectStorageOptions.MaxPartSize)
        {
            throw section.Error("part_size", $"must be between 5MiB (S3's smallest part) and 1GiB (each part in flight is held in memory), found {partSize} bytes");
        }

        var parallelUploads = section.Int("parallel_uploads", 1, 64) ?? new ObjectStorageOptions().ParallelUploads;
        var retries = section.Int("retries", 0, 10) ?? new ObjectStorageOptions().Retries;
        var display = new ObjectStorageOptions { Bucket = bucket, Prefix = prefix }.Display;
        var files = ReadFiles(section, display);
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, files)
        {
            AccessKeyId = accessKeyId,
            SecretAccessKey = secretAccessKey,
            SessionToken = sessionToken,
            PartSize = partSize,
            ParallelUploads = parallelUploads,
            Retries = retries,
        };
    }

    // Secrets are never written in project files: only a reference to the environment or the secret store.
    private static Secret? SecretReference(YamlSection section, string key)
    {
        if (section.Node(key) is YamlScalarNode { Value: { Length: > 0 } raw } && !raw.Contains("${", StringComparison.Ordinal))
        {
            throw section.Error(key, $"write it as a reference, not the value: {key}: ${{AWS_{key.ToUpperInvariant()}}} (an environment variable) or {key}: ${{secret:NAME}} (a stored secret)");
        }

        return section.Secret(key);
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
