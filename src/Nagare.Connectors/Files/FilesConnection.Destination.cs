using System.Collections.Immutable;
using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.Files;

public sealed partial class FilesConnection
{
    /// <inheritdoc/>
    /// <remarks>
    /// The columns of the table's current file set (any sync; files matched by column name), or null when it has none.
    /// Under an S3 prefix the newest object of the set is downloaded and described.
    /// </remarks>
    public async Task<StreamSchema?> DescribeAsync(StreamId table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var (format, compression) = WriteFormat();
        var template = new FileNameTemplate(_options.FileNameTemplate);
        var values = new FileNameValues(table.Name, table.Namespace, null, default, FileKinds.Extension(format, compression));
        if (_objects is null)
        {
            var files = FilesStreamWriter.ExistingSet(Root, template.SetPattern(values));
            if (files.Count == 0)
            {
                return null;
            }

            var paths = files.Select(f => Path.Combine(Root, f)).ToList();
            return DescribeFiles(table, format, paths, paths.MaxBy(File.GetLastWriteTimeUtc)!);
        }

        var objects = await _objects.ExistingAsync(template.SetFolder(values), template.SetPattern(values), cancellationToken).ConfigureAwait(false);
        if (objects.Count == 0)
        {
            return null;
        }

        var newest = objects.MaxBy(o => o.LastModified)!;
        var copies = Directory.CreateTempSubdirectory("nagare-files-");
        try
        {
            string copy;
            try
            {
                copy = await _objects.DownloadAsync(newest, copies.FullName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ConnectorException or IOException)
            {
                throw Failure($"Cannot read the schema of '{Root}{newest.RelativePath}': {e.Message}", table.ToString(), e);
            }

            return DescribeFiles(table, format, [copy], Root + newest.RelativePath);
        }
        finally
        {
            copies.Delete(recursive: true);
        }
    }

    private StreamSchema DescribeFiles(StreamId table, FileFormat format, List<string> paths, string shown)
    {
        using var engine = OpenEngine();
        var call = FileScan.Call(format, null, paths, _options with { Header = _options.Header ?? true }, null, storeRejects: false);
        var columns = ImmutableArray.CreateBuilder<ColumnSchema>();
        try
        {
            using var command = engine.CreateCommand();
            command.CommandText = "DESCRIBE SELECT * FROM " + call;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (name != FileScan.PathColumn)
                {
                    var native = reader.GetString(1);
                    columns.Add(new ColumnSchema(name, DuckDbTypeMapping.FromTypeName(native), Nullable: true, NativeType: native));
                }
            }
        }
        catch (DuckDbException e)
        {
            throw Failure($"Cannot read the schema of '{shown}': {e.Message}", table.ToString(), e);
        }

        return new StreamSchema(table, columns.ToImmutable(), [], []);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken) =>
        States().ListAsync(syncName, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken) =>
        States().RemoveAsync(syncName, stream, cancellationToken);

    /// <inheritdoc/>
    public async Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        await RecoverAsync(cancellationToken).ConfigureAwait(false);
        return await States().LoadAsync(syncName, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where the sync state lives: <c>_nagare_state/</c> in the folder or under the S3 prefix.</summary>
    private FilesStateStore States() => _store is null ? new FilesStateStore(Root) : new FilesStateStore(_store);

    /// <summary>Once per connection object: finishes commits a crashed writer had decided, removes abandoned work.</summary>
    private Task RecoverAsync(CancellationToken cancellationToken)
    {
        lock (_recoveryGate)
        {
            if (_recovery is null || _recovery.IsFaulted || _recovery.IsCanceled)
            {
                _recovery = _objects is null
                    ? FilesCommitJournal.RecoverAsync(Root, States(), cancellationToken)
                    : _objects.RecoverAsync(States(), cancellationToken);
            }

            return _recovery;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Full refresh replaces the stream's files at commit; append and incremental add parts numbered after the
    /// existing ones. Merge is not supported by files (there is no key to update in place).
    /// </remarks>
    public async Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await RecoverAsync(cancellationToken).ConfigureAwait(false);
        var stream = request.Target.ToString();
        if (request.ProblemFor(Capabilities) is { } problem)
        {
            throw Failure(problem, stream);
        }

        if (request.Mode != WriteMode.FullRefresh && await DescribeAsync(request.Target, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            CheckSchema(stream, existing, request);
        }

        var (format, compression) = WriteFormat();
        var template = new FileNameTemplate(_options.FileNameTemplate);
        var values = new FileNameValues(request.Target.Name, request.Target.Namespace, request.SyncName, _time.GetUtcNow(), FileKinds.Extension(format, compression));
        var setPattern = template.SetPattern(values);
        var firstPart = 1;
        if (request.Mode != WriteMode.FullRefresh && template.HasPart)
        {
            var present = _objects is null
                ? FilesStreamWriter.ExistingSet(Root, setPattern)
                : (await _objects.ExistingAsync(template.SetFolder(values), setPattern, cancellationToken).ConfigureAwait(false)).Select(f => f.RelativePath);
            foreach (var file in present)
            {
                var match = setPattern.Match(file);
                if (match.Groups["part"].Success && int.TryParse(match.Groups["part"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    firstPart = Math.Max(firstPart, number + 1);
                }
            }
        }

        // In a folder the parts are written beside their final place, so the commit is a rename; for S3 they are
        // written on local disk and uploaded at commit.
        string work;
        if (_objects is null)
        {
            Directory.CreateDirectory(Root);
            work = Path.Combine(Root, FileCatalog.WorkFolderPrefix + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
        }
        else
        {
            work = Directory.CreateTempSubdirectory("nagare-files-").FullName;
        }

        try
        {
            var names = new PartNames(template, values, work, firstPart);
            var writers = template.HasPart ? _options.ParallelWriters : 1;
            IStreamWriter writer = new FilesStreamWriter(Root, request, work, n => format switch
            {
                // Streamed unless parts are cut by size, which needs sizes measured on buffered rows.
                FileFormat.Parquet when _options.MaxBytesPerFile is null => new ParquetStreamSink(request.Columns, n, _options.MaxRowsPerFile, ParquetCodec(), stream, work),
                FileFormat.Parquet => new ParquetPartSink(request.Columns, n, _options.MaxRowsPerFile, _options.MaxBytesPerFile, ParquetCodec(), stream, work),
                _ => new TextPartSink(Encoder(format, request), n, _options.MaxRowsPerFile, _options.MaxBytesPerFile, compression == FileCompression.Gzip, writers, stream),
            }, names, setPattern, States(), _objects is null ? null : (_objects, template.SetFolder(values)));
            return writer;
        }
        catch
        {
            Directory.Delete(work, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Files added to a stream must stay readable with the ones already there: a column's type may only widen
    /// (new columns are fine: files are matched by column name).
    /// </summary>
    private static void CheckSchema(string stream, StreamSchema existing, WriteRequest request)
    {
        foreach (var column in request.Columns)
        {
            var old = existing.Find(column.Name);
            if (old is null)
            {
                if (request.SchemaChanges == SchemaChangePolicy.Fail)
                {
                    throw new SchemaChangeException($"Stream '{stream}': column '{column.Name}' ({column.Type}) is new, and schema changes are set to fail. Allow schema evolution or run a full refresh.") { Stream = stream };
                }

                continue;
            }

            if (old.Type != column.Type && (request.SchemaChanges == SchemaChangePolicy.Fail || !Widens(old.Type, column.Type)))
            {
                throw new SchemaChangeException(
                    $"Stream '{stream}': column '{column.Name}' is {old.Type} in the existing files but {column.Type} now, which the existing files cannot be read as. " +
                    $"Cast the column to {old.Type} in the sync, or run a full refresh to rewrite the stream's files.") { Stream = stream };
            }
        }
    }

    private static bool Widens(Core.Types.ColumnType from, Core.Types.ColumnType to) => (from.Kind, to.Kind) switch
    {
        _ when from.IsInteger && to.IsInteger => Width(to) >= Width(from) && (IsUnsigned(to) || !IsUnsigned(from) || Width(to) > Width(from)),
        _ when from.IsInteger => to.Kind is Core.Types.ColumnKind.Float64 or Core.Types.ColumnKind.Decimal && (to.Kind == Core.Types.ColumnKind.Float64 || to.Precision - to.Scale >= 20),
        (Core.Types.ColumnKind.Float32, Core.Types.ColumnKind.Float64) => true,
        (Core.Types.ColumnKind.Decimal, Core.Types.ColumnKind.Decimal) => to.Scale >= from.Scale && to.Precision - to.Scale >= from.Precision - from.Scale,
        (Core.Types.ColumnKind.Timestamp, Core.Types.ColumnKind.TimestampTz) => true,
        _ => false,
    };

    private static int Width(Core.Types.ColumnType type) => type.Kind switch
    {
        Core.Types.ColumnKind.Int8 or Core.Types.ColumnKind.UInt8 => 1,
        Core.Types.ColumnKind.Int16 or Core.Types.ColumnKind.UInt16 => 2,
        Core.Types.ColumnKind.Int32 or Core.Types.ColumnKind.UInt32 => 4,
        _ => 8,
    };

    private static bool IsUnsigned(Core.Types.ColumnType type) => type.Kind is >= Core.Types.ColumnKind.UInt8 and <= Core.Types.ColumnKind.UInt64;

    private (FileFormat Format, FileCompression Compression) WriteFormat()
    {
        var format = Format ?? FileFormat.Parquet;
        var compression = Compression ?? FileCompression.None;
        if (compression == FileCompression.Zstd && format != FileFormat.Parquet)
        {
            throw Failure($"Connection '{Name}': zstd compression is written for Parquet only; use gzip for {format.ToString().ToLowerInvariant()}.", null);
        }

        return (format, compression);
    }

    /// <summary>DuckDB's name for the Parquet codec; Parquet without a configured compression is snappy, DuckDB's default.</summary>
    private string ParquetCodec() =>
        Compression switch { FileCompression.Zstd => "zstd", FileCompression.Gzip => "gzip", FileCompression.None => "uncompressed", _ => "snappy" };

    private RowEncoder Encoder(FileFormat format, WriteRequest request) => format switch
    {
        FileFormat.Csv or FileFormat.Tsv => new CsvRowEncoder(
            request.Columns, _options.Delimiter ?? (format == FileFormat.Tsv ? "\t" : ","), _options.Header ?? true, _options.Quote, _options.Escape, _options.NullString),
        FileFormat.Json => new JsonRowEncoder(array: true),
        _ => new JsonRowEncoder(array: false),
    };
}
