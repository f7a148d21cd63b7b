using System.Collections.Immutable;
using Nagare.Core.Connectors;
using Nagare.DuckDb;

namespace Nagare.Connectors.Files;

/// <summary>
/// A local folder, or a prefix of an S3 bucket, as a source of file sets (CSV/TSV, JSON/NDJSON, Parquet, optionally
/// gzip/zstd compressed, read by DuckDB) and as a destination of split, templated files committed atomically (in S3:
/// staged, recorded, then copied in place; see <see cref="S3FileSet"/>). See <c>docs/connectors/files.md</c>.
/// </summary>
public sealed partial class FilesConnection : IRejectingSource, IStreamStateStore
{
    private readonly FilesConnectorOptions _options;
    private readonly FileCatalog _catalog;
    private readonly ObjectStorage.S3ObjectStore? _store;
    private readonly S3FileSet? _objects;
    private readonly TimeProvider _time;
    private readonly Lock _recoveryGate = new();
    private Task? _recovery;

    /// <summary>Creates the connection; nothing is touched on disk until it is used.</summary>
    /// <exception cref="ConnectorException">An option is invalid (unknown format, compression or encoding, a limit below 1).</exception>
    public FilesConnection(string name, FilesConnectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Root);
        Name = name;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        Format = FileKinds.ParseFormat(options.Format);
        Compression = FileKinds.ParseCompression(options.Compression);
        TextEncoding = FileTextEncoding.Find(options.Encoding)
            ?? throw new ConnectorException($"Connection '{name}': {FileTextEncoding.Unknown(options.Encoding)}") { Connection = name };

        if (options.MaxBytesPerFile is < 1 || options.MaxRowsPerFile is < 1)
        {
            throw new ConnectorException($"Connection '{name}': max_bytes_per_file and max_rows_per_file must be at least 1.") { Connection = name };
        }

        if (options.ParallelWriters is < 1 or > 64)
        {
            throw new ConnectorException($"Connection '{name}': parallel_writers must be between 1 and 64, not {options.ParallelWriters}.") { Connection = name };
        }

        _store = options.ObjectStorage is { } storage ? new ObjectStorage.S3ObjectStore(storage, _time) : null;
        _objects = _store is null ? null : new S3FileSet(_store, _time);
        _catalog = new FileCatalog(options.Root, options.Streams, _store);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public ConnectorCapabilities Capabilities { get; } = new(
        "files", IsSource: true, IsDestination: true,
        ImmutableHashSet.Create(WriteMode.FullRefresh, WriteMode.Append, WriteMode.Incremental),
        SupportsFilterPushdown: true,
        SupportsCastOnRead: true);

    /// <inheritdoc/>
    public ISqlDialect? Dialect => null;

    /// <summary>The root folder, absolute, or the <c>s3://bucket/prefix/</c> location.</summary>
    public string Root => _catalog.Root;

    private FileFormat? Format { get; }

    private FileCompression? Compression { get; }

    private FileTextEncoding TextEncoding { get; }

    /// <summary>Why <paramref name="encoding"/> cannot be the <c>encoding</c> setting (naming the supported ones), or null when it can.</summary>
    public static string? EncodingProblem(string? encoding) =>
        FileTextEncoding.Find(encoding) is null ? FileTextEncoding.Unknown(encoding!) : null;

    /// <inheritdoc/>
    public async Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            // One page of the listing: the bucket exists and the credentials may list it.
            await using var objects = _store.ListAsync(_store.Options.Prefix, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                await objects.MoveNextAsync().ConfigureAwait(false);
            }
            catch (ConnectorException e)
            {
                throw new ConnectorException($"Connection '{Name}': {Root} cannot be listed: {e.Message}", e) { Connection = Name, Hint = e.Hint };
            }

            return new ConnectionTestResult(null, new Dictionary<string, string> { ["location"] = Root });
        }

        if (!Directory.Exists(Root))
        {
            throw new ConnectorException($"Connection '{Name}': the folder '{Root}' does not exist.") { Connection = Name };
        }

        try
        {
            _ = Directory.EnumerateFileSystemEntries(Root).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectorException($"Connection '{Name}': the folder '{Root}' cannot be read: {e.Message}", e) { Connection = Name };
        }

        return new ConnectionTestResult(null, new Dictionary<string, string> { ["folder"] = Root });
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static DuckDbConnection OpenEngine()
    {
        var connection = new DuckDbConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }

    private ConnectorException Failure(string message, string? stream, Exception? inner = null)
    {
        var exception = inner is null ? new ConnectorException(message) : new ConnectorException(message, inner);
        return new ConnectorException(exception.Message, exception.InnerException!) { Connection = Name, Stream = stream };
    }
}
