using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Win32.SafeHandles;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.ObjectStorage;

/// <summary>
/// Objects of one bucket and prefix of S3 or an S3-compatible server: uploads of local files (one request, or a
/// multipart upload of parts read one at a time), puts, deletes, listing and reading. Every request is retried when
/// its failure may pass, and fails as a <see cref="ConnectorException"/> naming the object and what to check, never
/// the credentials.
/// </summary>
/// <remarks>
/// Requests carrying data are bounded by <see cref="ObjectStorageOptions.ParallelUploads"/> over everything the
/// store does at once, and each holds one part in memory: at most that many parts are in memory together.
/// </remarks>
public sealed class S3ObjectStore : IDisposable
{
    private const int MaxParts = 10_000;

    /// <summary>The largest object S3 copies in one request: 5 GiB.</summary>
    private const long MaxSingleCopy = 5L << 30;
    private readonly IAmazonS3 _client;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _uploads;
    private readonly string[] _secrets;

    /// <summary>A store for <paramref name="options"/>, with a client of its own.</summary>
    public S3ObjectStore(ObjectStorageOptions options, TimeProvider time)
        : this(options, S3ClientFactory.Create(options), time)
    {
    }

    /// <summary>A store for <paramref name="options"/> through <paramref name="client"/>, which it then owns.</summary>
    public S3ObjectStore(ObjectStorageOptions options, IAmazonS3 client, TimeProvider time)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        if (options.ParallelUploads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ParallelUploads, "parallel_uploads must be between 1 and 64");
        }

        if (options.PartSize is < ObjectStorageOptions.MinPartSize or > ObjectStorageOptions.MaxPartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PartSize, "part_size must be between 5 MiB and 1 GiB");
        }

        _uploads = new SemaphoreSlim(options.ParallelUploads, options.ParallelUploads);
        _secrets = new[] { options.AccessKeyId, options.SecretAccessKey, options.SessionToken }.OfType<string>().Where(s => s.Length > 0).ToArray();
    }

    /// <summary>The bucket, prefix and limits.</summary>
    public ObjectStorageOptions Options { get; }

    /// <summary>Puts <paramref name="content"/> (a small object: it is copied) as object <paramref name="key"/> in one request.</summary>
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        await _uploads.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var bytes = content.ToArray();
            var md5 = Convert.ToBase64String(MD5.HashData(bytes));
            await SendAsync($"upload of {key}", async ct =>
            {
                using var body = new MemoryStream(bytes, writable: false);
                var request = PutRequest(key, body, md5);
                request.ContentType = contentType;
                return await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _uploads.Release();
        }
    }

    /// <summary>A put of <paramref name="body"/> as object <paramref name="key"/>, without chunked encoding (S3-compatible servers may store chunk-encoded bodies corrupted).</summary>
    private PutObjectRequest PutRequest(string key, Stream body, string md5) => new()
    {
        BucketName = Options.Bucket,
        Key = key,
        InputStream = body,
        AutoCloseStream = false,
        MD5Digest = md5,
        UseChunkEncoding = false,
    };

    /// <summary>
    /// Uploads the local file <paramref name="localPath"/> as object <paramref name="key"/>: in one request when it
    /// fits in a part, else as a multipart upload whose parts go up in parallel, each retried on its own. A multipart
    /// upload that fails or is cancelled is aborted, so no part of it stays billed (if the server can abort: when it
    /// cannot, the message says so).
    /// </summary>
    /// <param name="key">The object's key.</param>
    /// <param name="localPath">The file.</param>
    /// <param name="metadata">User metadata (<c>x-amz-meta-*</c>) of the object.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The number of parts (1 for a single request).</returns>
    public async Task<int> UploadFileAsync(string key, string localPath, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(file);
        if (length <= Options.PartSize)
        {
            await SendPartAsync(file, 0, (int)length, $"upload of {key}", async (body, md5, ct) =>
            {
                var request = PutRequest(key, body, md5);
                AddMetadata(request.Metadata, metadata);
                await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return 1;
        }

        var initiate = new InitiateMultipartUploadRequest { BucketName = Options.Bucket, Key = key };
        AddMetadata(initiate.Metadata, metadata);
        return await MultipartAsync(initiate, length, $"upload of {key}", async (part, uploadId, ct) =>
            await SendPartAsync(file, part.Offset, part.Size, $"upload of part {part.Number} of {part.Count} of {key}", async (body, md5, token) =>
                (await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Options.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = part.Number,
                    PartSize = part.Size,
                    InputStream = body,
                    MD5Digest = md5,
                    IsLastPart = part.Number == part.Count,
                    UseChunkEncoding = false,
                }, token).ConfigureAwait(false)).ETag, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the objects <paramref name="keys"/> (missing ones are no error), a thousand per request.</summary>
    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(1000))
        {
            var response = await SendAsync($"deletion of {chunk.Length} object(s)", ct => _client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = Options.Bucket,
                Objects = chunk.Select(k => new KeyVersion { Key = k }).ToList(),
                Quiet = true,
            }, ct), cancellationToken).ConfigureAwait(false);
            if (response.DeleteErrors is { Count: > 0 } errors)
            {
                throw new ConnectorException($"{Options.Display}: {errors.Count} object(s) could not be deleted, first {errors[0].Key}: {Redact(errors[0].Code + ": " + errors[0].Message)}");
            }
        }
    }

    /// <summary>Deletes the object <paramref name="key"/>; a missing object is no error.</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        SendAsync($"deletion of {key}", ct => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Options.Bucket, Key = key }, ct), cancellationToken);

    /// <summary>The objects whose keys start with <paramref name="keyPrefix"/>, in key order.</summary>
    public async IAsyncEnumerable<StoredObject> ListAsync(string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = Options.Bucket, Prefix = keyPrefix, ContinuationToken = token };
            var page = await SendAsync($"listing of {keyPrefix}*", ct => _client.ListObjectsV2Async(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new StoredObject(item.Key, item.Size ?? 0, item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null, item.ETag);
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    /// <summary>
    /// Copies object <paramref name="sourceKey"/> (of <paramref name="size"/> bytes) to <paramref name="targetKey"/> in the
    /// same bucket, on the server: no byte passes through this process. The target appears whole or not at all. An
    /// object larger than a single copy allows (5 GiB) is copied as a multipart upload of ranges, aborted on failure.
    /// </summary>
    public async Task CopyAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken)
    {
        if (size <= MaxSingleCopy)
        {
            await SendAsync($"copy of {sourceKey} to {targetKey}", ct => _client.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = Options.Bucket,
                SourceKey = sourceKey,
                DestinationBucket = Options.Bucket,
                DestinationKey = targetKey,
            }, ct), cancellationToken).ConfigureAwait(false);
            return;
        }

        var initiate = new InitiateMultipartUploadRequest { BucketName = Options.Bucket, Key = targetKey };
        await MultipartAsync(initiate, size, $"copy to {targetKey}", async (part, uploadId, ct) =>
            (await SendAsync($"copy of part {part.Number} of {part.Count} to {targetKey}", token => _client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = Options.Bucket,
                SourceKey = sourceKey,
                DestinationBucket = Options.Bucket,
                DestinationKey = targetKey,
                UploadId = uploadId,
                PartNumber = part.Number,
                FirstByte = part.Offset,
                LastByte = part.Offset + part.Size - 1,
            }, token), ct).ConfigureAwait(false)).ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bytes of the small object <paramref name="key"/> (state, a commit record), or null when there is no such object.</summary>
    public Task<byte[]?> ReadSmallAsync(string key, CancellationToken cancellationToken) =>
        SendAsync<byte[]?>($"download of {key}", async ct =>
        {
            try
            {
                using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Options.Bucket, Key = key }, ct).ConfigureAwait(false);
                using var bytes = new MemoryStream();
                await response.ResponseStream.CopyToAsync(bytes, ct).ConfigureAwait(false);
                return bytes.ToArray();
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or "NotFound" or null or "")
            {
                return null;
            }
        }, cancellationToken);

    /// <summary>Opens object <paramref name="key"/> for reading; the caller disposes the stream.</summary>
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var response = await SendAsync($"download of {key}", ct => _client.GetObjectAsync(new GetObjectRequest { BucketName = Options.Bucket, Key = key }, ct), cancellationToken).ConfigureAwait(false);
        return response.ResponseStream;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _client.Dispose();
        _uploads.Dispose();
    }

    private static void AddMetadata(MetadataCollection target, IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            target.Add(name, value);
        }
    }

    // One part in memory per request in flight: read once from the file, hashed once, and sent again from the same
    // bytes on a retry, so a retry never depends on rewinding the SDK's stream.
    private async Task<T> SendPartAsync<T>(SafeFileHandle file, long offset, int size, string what, Func<Stream, string, CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        await _uploads.WaitAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var read = 0;
            while (read < size)
            {
                var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(read, size - read), offset + read, cancellationToken).ConfigureAwait(false);
                read += n > 0 ? n : throw new ConnectorException($"{Options.Display}: the file being uploaded ended early ({what}).");
            }

            var md5 = Convert.ToBase64String(MD5.HashData(buffer.AsSpan(0, size)));
            return await SendAsync(what, async ct =>
            {
                using var body = new MemoryStream(buffer, 0, size, writable: false);
                return await send(body, md5, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _uploads.Release();
        }
    }

    /// <summary>
    /// <paramref name="length"/> bytes as one multipart upload: started, its parts sent side by side by
    /// <paramref name="send"/> (which returns each part's ETag), completed; aborted when anything fails, so no part
    /// stays billed (when the server cannot abort, the message says so). Returns the number of parts.
    /// </summary>
    private async Task<int> MultipartAsync(
        InitiateMultipartUploadRequest initiate, long length, string what, Func<MultipartPart, string, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        var key = initiate.Key;
        var partSize = Math.Max(Options.PartSize, (length + MaxParts - 1) / MaxParts);
        var parts = (int)((length + partSize - 1) / partSize);
        var uploadId = (await SendAsync($"start of the multipart {what}", ct => _client.InitiateMultipartUploadAsync(initiate, ct), cancellationToken).ConfigureAwait(false)).UploadId;
        try
        {
            var etags = new ConcurrentDictionary<int, string>();
            await Parallel.ForAsync(1, parts + 1, new ParallelOptions { MaxDegreeOfParallelism = Options.ParallelUploads, CancellationToken = cancellationToken }, async (number, ct) =>
            {
                var offset = (number - 1) * partSize;
                etags[number] = await send(new MultipartPart(number, parts, offset, (int)Math.Min(partSize, length - offset)), uploadId, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

            var complete = new CompleteMultipartUploadRequest
            {
                BucketName = Options.Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = etags.OrderBy(p => p.Key).Select(p => new PartETag(p.Key, p.Value)).ToList(),
            };
            await SendAsync($"completion of the multipart {what}", ct => _client.CompleteMultipartUploadAsync(complete, ct), cancellationToken).ConfigureAwait(false);
            return parts;
        }
        catch (Exception e)
        {
            var abort = await AbortAsync(key, uploadId).ConfigureAwait(false);
            if (abort is null || e is not ConnectorException failure)
            {
                throw;
            }

            throw new ConnectorException($"{e.Message}; {abort}", e) { IsTransient = failure.IsTransient, Hint = failure.Hint };
        }
    }

    private async Task<T> SendAsync<T>(string what, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await request(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e) && attempt < Options.Retries)
            {
                await Task.Delay(Options.RetryDelay * Math.Pow(2, attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException or OperationCanceledException))
            {
                throw Translate(e, what, attempt);
            }
        }
    }

    private async Task<string?> AbortAsync(string key, string uploadId)
    {
        // The run's token may be cancelled already; the abort still gets a bounded chance.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), _time);
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Options.Bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
        {
            return $"its unfinished multipart upload {uploadId} could not be aborted ({Redact(Detail(e))}); a lifecycle rule on incomplete multipart uploads removes it";
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests } => true,
        AmazonServiceException { ErrorCode: "RequestTimeout" or "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeTooSkewed" } => true,
        HttpRequestException or IOException or SocketException or OperationCanceledException => true,
        AmazonClientException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    private ConnectorException Translate(Exception e, string what, int attempt)
    {
        var tries = attempt > 0 ? $" after {attempt + 1} attempts" : string.Empty;
        var code = (e as AmazonServiceException)?.ErrorCode;
        var hint = code switch
        {
            "NoSuchBucket" => $"Create the bucket '{Options.Bucket}', or check bucket:, endpoint: and region:.",
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "ExpiredToken" or "InvalidToken" or "Forbidden" =>
                "Check access_key_id, secret_access_key and session_token (or the environment's AWS credentials), and that they may put, delete and list objects in the bucket.",
            "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" => "Check region: (the bucket lives in another region).",
            _ when IsTransient(e) => Options.Endpoint is null ? "Check the network and region:." : $"Check that the server at {Options.Endpoint} is running and endpoint: is right.",
            _ when e is AmazonClientException && e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
                "Write access_key_id and secret_access_key (as ${ENV} or ${secret:NAME}), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
            _ => null,
        };
        return new ConnectorException($"{Options.Display}: {what} failed{tries}: {Redact(Detail(e))}", e)
        {
            IsTransient = IsTransient(e),
            Hint = hint,
        };
    }

    private static string Detail(Exception e) => e switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } s => $"{code} (HTTP {(int)s.StatusCode}): {s.Message}",
        AmazonServiceException { StatusCode: not 0 } s => $"HTTP {(int)s.StatusCode}: {s.Message}",
        OperationCanceledException => "the request timed out",
        { InnerException: { } inner } when e is AmazonClientException or AmazonServiceException => $"{e.Message}: {inner.Message}",
        _ => e.Message,
    };

    private string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>One part of a multipart upload: its number (from 1) of <paramref name="Count"/>, and its bytes' place.</summary>
    private readonly record struct MultipartPart(int Number, int Count, long Offset, int Size);
}
