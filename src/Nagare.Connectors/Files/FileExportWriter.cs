using System.Collections.Immutable;
using System.Security.Cryptography;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Files;

/// <summary>
/// Writes rows into files split by bytes and rows, in a work folder, with the files connector's part writers (the
/// same encoders, gzip, size limits and parallel writers as a files destination of a sync). <see cref="CompleteAsync"/>
/// returns each finished file with its rows, bytes and SHA-256, for an <see cref="IExportStorage"/> to publish.
/// </summary>
public sealed class FileExportWriter : IAsyncDisposable
{
    private readonly IPartSink _sink;
    private readonly PartNames _names;
    private bool _completed;

    private FileExportWriter(IPartSink sink, PartNames names)
    {
        _sink = sink;
        _names = names;
    }

    /// <summary>Opens a writer of <paramref name="columns"/> into <paramref name="workFolder"/>.</summary>
    /// <param name="workFolder">An empty folder (see <see cref="IExportStorage.CreateWorkFolder"/>).</param>
    /// <param name="columns">The columns of the batches to write, in order.</param>
    /// <param name="options">Format, compression, limits and names.</param>
    /// <param name="name">What is exported, for messages.</param>
    /// <exception cref="ConnectorException">The format or the file name template is not usable.</exception>
    public static FileExportWriter Open(string workFolder, ImmutableArray<ColumnSchema> columns, FileExportOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        var format = FileKinds.ParseFormat(options.Format) ?? FileFormat.Parquet;
        var template = new FileNameTemplate(options.FileName);
        var values = new FileNameValues(name, null, null, default, FileKinds.Extension(format, options.Gzip ? FileCompression.Gzip : FileCompression.None));
        var names = new PartNames(template, values, workFolder, 1);
        var writers = template.HasPart ? Math.Clamp(options.Parallel, 1, 64) : 1;
        var codec = options.Gzip ? "gzip" : "snappy";
        IPartSink sink = format switch
        {
            FileFormat.Parquet when options.MaxBytes is null => new ParquetStreamSink(columns, names, options.MaxRows, codec, name, workFolder),
            FileFormat.Parquet => new ParquetPartSink(columns, names, options.MaxRows, options.MaxBytes, codec, name, workFolder),
            FileFormat.Csv or FileFormat.Tsv => new TextPartSink(
                new CsvRowEncoder(columns, options.Delimiter ?? (format == FileFormat.Tsv ? "\t" : ","), options.Header, null, null, options.NullString),
                names, options.MaxRows, options.MaxBytes, options.Gzip, writers, name),
            FileFormat.Json => new TextPartSink(new JsonRowEncoder(array: true), names, options.MaxRows, options.MaxBytes, options.Gzip, writers, name),
            _ => new TextPartSink(new JsonRowEncoder(array: false), names, options.MaxRows, options.MaxBytes, options.Gzip, writers, name),
        };
        return new FileExportWriter(sink, names);
    }

    /// <summary>Rows received.</summary>
    public long Rows => _sink.Rows;

    /// <summary>Takes the batch's rows (the batch may be reused when this returns).</summary>
    public ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken) => _sink.WriteAsync(batch, cancellationToken);

    /// <summary>Finishes every file (one file with no rows when nothing was written) and hashes them.</summary>
    public async Task<IReadOnlyList<ExportedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        await _sink.CompleteAsync(emptyPartIfNoRows: true, cancellationToken).ConfigureAwait(false);
        await _sink.DisposeAsync().ConfigureAwait(false);
        _completed = true;
        var parts = _names.Parts;
        var files = new ExportedFile[parts.Count];
        await Parallel.ForAsync(0, parts.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, ct) =>
        {
            var part = parts[i];
            await using var stream = new FileStream(part.TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            var hash = await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false);
            files[i] = new ExportedFile(part.RelativePath, part.TempPath, part.Rows, stream.Length, Convert.ToHexStringLower(hash));
        }).ConfigureAwait(false);
        return files;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _sink.DisposeAsync().ConfigureAwait(false);
        }
    }
}
