using System.Collections.Immutable;
using System.Data;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Connectors.Files;

public sealed partial class FilesConnection
{
    /// <summary>Virtual column: the row's file, relative to the root with <c>/</c> separators.</summary>
    public const string FileColumn = "_file";

    /// <summary>Virtual column: the row's file's last write time (UTC); a cursor over it loads only new or changed files.</summary>
    public const string FileModifiedColumn = "_file_modified";

    /// <inheritdoc/>
    public async IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pattern = request.NamePattern is null ? null : new FileGlob(request.NamePattern);
        var streams = _catalog.Streams();
        using var engine = OpenEngine();
        foreach (var stream in streams)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pattern is not null && !pattern.IsMatch(stream.Name))
            {
                continue;
            }

            var files = _catalog.Files(stream);
            if (files.Count == 0)
            {
                continue;
            }

            if (_store is null)
            {
                yield return Describe(engine, stream, files, cancellationToken);
                await Task.Yield();
                continue;
            }

            // Objects are described from local copies of the first ones (DuckDB samples no more for JSON).
            var copies = Directory.CreateTempSubdirectory("nagare-files-");
            try
            {
                var local = await LocalCopiesAsync(files.Take(DescribedObjects).ToList(), copies, cancellationToken).ConfigureAwait(false);
                yield return Describe(engine, stream, local, cancellationToken);
            }
            finally
            {
                copies.Delete(recursive: true);
            }
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, CancellationToken cancellationToken) =>
        ReadCoreAsync(request, OnError.Fail, null, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, OnError onError, Func<RejectedRow, ValueTask> rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return ReadCoreAsync(request, onError, rejected, cancellationToken);
    }

    private StreamSchema Describe(DuckDbConnection engine, FileStreamDefinition stream, IReadOnlyList<FileEntry> files, CancellationToken cancellationToken)
    {
        var (format, compression) = FormatOf(stream, files);
        List<(string Path, FileEntry File)> sample = [.. files.Select(f => (f.FullPath, f))];
        DirectoryInfo? cleaned = null;
        var columns = ImmutableArray.CreateBuilder<ColumnSchema>();
        try
        {
            if (TextEncoding.IsTranscoded(format))
            {
                // Only what DuckDB looks at to describe is copied: a CSV scan takes its columns from its first file
                // (one per header group), and JSON is sampled from 32 files.
                sample = format is FileFormat.Csv or FileFormat.Tsv
                    ? [.. CsvHeaderGroups.Group(sample, f => f.Path, compression, _options.Header).Select(g => g[0])]
                    : [.. sample.Take(32)];
                sample = Transcoded(format, sample, ref compression, ref cleaned, cancellationToken);
            }

            if (format is FileFormat.Json or FileFormat.Ndjson)
            {
                // Sniff from well-formed records only: one stray line can otherwise turn every column into a single 'json' one.
                // DuckDB samples at most 32 files for JSON, so only those are checked.
                sample = ValidateJson(stream.Name, format, compression, [.. sample.Take(32)], OnError.Skip, [], ref cleaned);
                compression = cleaned is null ? compression : null;
            }

            var paths = sample.Select(f => f.Path).ToList();
            var groups = format is FileFormat.Csv or FileFormat.Tsv ? CsvHeaderGroups.Group(paths, p => p, compression, _options.Header) : [paths];
            var call = FileScan.Combined([.. groups.Select(g => FileScan.Call(format, compression, g, _options, null, storeRejects: format != FileFormat.Parquet))]);
            using var command = engine.CreateCommand();
            command.CommandText = "DESCRIBE SELECT * FROM " + call;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                if (name == FileScan.PathColumn)
                {
                    continue;
                }

                var native = reader.GetString(1);
                columns.Add(new ColumnSchema(name, DuckDbTypeMapping.FromTypeName(native), Nullable: true, NativeType: native));
            }
        }
        catch (DuckDbException e)
        {
            throw Failure($"Cannot read the schema of stream '{stream.Name}' ({stream.Description}, {files.Count} file(s), first '{files[0].RelativePath}'): {e.Message}", stream.Name, e);
        }
        finally
        {
            cleaned?.Delete(recursive: true);
        }

        if (_options.FileColumns)
        {
            columns.Add(new ColumnSchema(FileColumn, ColumnType.String, Nullable: false, NativeType: "VARCHAR"));
            columns.Add(new ColumnSchema(FileModifiedColumn, ColumnType.TimestampTz, Nullable: false, NativeType: "TIMESTAMP WITH TIME ZONE"));
        }

        var cursors = columns
            .Where(c => c.Type.IsInteger || c.Type.Kind is ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz || c.Name == FileColumn)
            .Select(c => c.Name);
        var key = _options.PrimaryKeys.TryGetValue(stream.Name, out var named) ? named : _options.PrimaryKeys.GetValueOrDefault("*") ?? [];
        if (!key.All(k => columns.Any(c => c.Name == k)))
        {
            key = [];
        }

        return new StreamSchema(new StreamId(null, stream.Name), columns.ToImmutable(), [.. key], [.. cursors]);
    }

    private (FileFormat Format, FileCompression? Compression) FormatOf(FileStreamDefinition stream, IReadOnlyList<FileEntry> files)
    {
        if (Format is { } configured)
        {
            return (configured, Compression);
        }

        FileFormat? found = null;
        foreach (var file in files)
        {
            var format = FileKinds.FromFileName(file.RelativePath).Format
                ?? throw Failure($"Stream '{stream.Name}': cannot tell the format of '{file.RelativePath}' from its extension; set format (csv, tsv, json, ndjson, parquet).", stream.Name);
            if (found is { } f && f != format && !(f is FileFormat.Json or FileFormat.Ndjson && format is FileFormat.Json or FileFormat.Ndjson))
            {
                throw Failure($"Stream '{stream.Name}' mixes formats ({f} and {format} in '{file.RelativePath}'); narrow its glob or configure one stream per format.", stream.Name);
            }

            found = found is FileFormat.Json ? found : format;
        }

        return (found!.Value, Compression);
    }

    private async IAsyncEnumerable<ColumnBatch> ReadCoreAsync(
        ReadRequest request, OnError onError, Func<RejectedRow, ValueTask>? rejected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var streamName = request.Stream.Id.Name;
        var definition = _catalog.Find(streamName);
        var listed = _catalog.Files(definition);
        IEnumerable<FileEntry> candidates = listed;
        var tracked = request.Cursor is { Column: FileModifiedColumn or FileColumn } && request.Seen is not null;
        var bySeenFiles = false;
        if (tracked && request.Seen!.Previous is { } previous)
        {
            bySeenFiles = true;
            // Files not read before, or changed since: a file copied in with an old modification time is new too.
            var seen = SeenFiles.Parse(previous, streamName);
            candidates = listed.Where(f => !seen.Contains(f));
        }
        else if (request.Cursor is { After: { } after } cursor)
        {
            // New files only: whole files at or before the cursor are not even opened.
            candidates = cursor.Column switch
            {
                FileModifiedColumn when after is DateTimeOffset t => candidates.Where(f => f.LastModified > t),
                FileColumn when after is string s => candidates.Where(f => string.CompareOrdinal(f.RelativePath, s) > 0),
                _ => candidates,
            };
        }

        var files = candidates.ToList();
        if (tracked)
        {
            // Every listed file is now read or was before; the caller stores this with the rows.
            request.Seen!.Current = SeenFiles.Token(listed);
        }

        if (files.Count == 0)
        {
            yield break;
        }

        var (format, compression) = FormatOf(definition, files);
        var columns = request.EffectiveColumns;
        var rejects = new List<RejectedRow>();
        DirectoryInfo? cleaned = null;
        // Objects in S3 are read from local copies, made here and removed at the end like transcoded ones.
        var downloads = _store is null ? null : Directory.CreateTempSubdirectory("nagare-files-");
        try
        {
            if (downloads is not null)
            {
                files = await LocalCopiesAsync(files, downloads, cancellationToken).ConfigureAwait(false);
            }

            var scanned = Transcoded(format, [.. files.Select(f => (f.FullPath, f))], ref compression, ref cleaned, cancellationToken);
            if (format is FileFormat.Json or FileFormat.Ndjson)
            {
                scanned = ValidateJson(streamName, format, compression, scanned, onError, rejects, ref cleaned);
            }

            if (scanned.Count > 0)
            {
                using var engine = OpenEngine();
                RegisterFiles(engine, scanned);
                var isCsv = format is FileFormat.Csv or FileFormat.Tsv;
                var sql = SelectSql(engine, request, format, cleaned is null ? compression : null, scanned, isCsv, cursorFilter: !bySeenFiles);
                using (var command = engine.CreateCommand())
                {
                    command.CommandText = sql;
                    var reader = Execute(command, streamName, cancellationToken);
                    using (reader)
                    {
                        var batchReader = new DuckDbBatchReader(reader, columns);
                        var batch = new ColumnBatch(columns, request.Limit is { } limit ? Math.Clamp(limit, 1, request.BatchSize) : request.BatchSize);
                        while (true)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            bool more;
                            try
                            {
                                more = batchReader.Fill(batch);
                            }
                            catch (Exception e) when (e is DuckDbException or OverflowException or InvalidCastException)
                            {
                                throw Failure($"Cannot read stream '{streamName}': {e.Message}", streamName, e);
                            }

                            if (!more)
                            {
                                break;
                            }

                            yield return batch;
                        }
                    }
                }

                if (isCsv)
                {
                    CollectCsvRejects(engine, streamName, scanned, rejects);
                }
            }

            if (rejects.Count > 0 && onError == OnError.Fail)
            {
                throw RejectFailure(rejects[0], rejects.Count);
            }

            if (rejected is not null)
            {
                foreach (var row in rejects)
                {
                    await rejected(row).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            cleaned?.Delete(recursive: true);
            downloads?.Delete(recursive: true);
        }
    }

    /// <summary>Objects of a stream described at discovery: the first ones, as DuckDB samples no more than 32 JSON files.</summary>
    private const int DescribedObjects = 32;

    /// <summary>Objects downloaded at once when a read needs several.</summary>
    private const int ParallelDownloads = 4;

    /// <summary>
    /// Streams each object of <paramref name="files"/> (keys) to a file in <paramref name="folder"/>, a few at once, never
    /// holding an object in memory; the entries returned point at the copies and keep their relative paths and times.
    /// </summary>
    private async Task<List<FileEntry>> LocalCopiesAsync(List<FileEntry> files, DirectoryInfo folder, CancellationToken cancellationToken)
    {
        var copies = new FileEntry[files.Count];
        await Parallel.ForAsync(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = ParallelDownloads, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var file = files[i];
            var copy = Path.Combine(folder.FullName, "object-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Path.GetFileName(file.RelativePath));
            try
            {
                var source = await _store!.OpenReadAsync(file.FullPath, ct).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var target = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await using (target.ConfigureAwait(false))
                    {
                        await source.CopyToAsync(target, ct).ConfigureAwait(false);
                    }
                }
            }
            catch (ConnectorException e)
            {
                throw new ConnectorException($"Connection '{Name}': {_store!.Options.Display}{file.RelativePath} cannot be read: {e.Message}", e) { Connection = Name, Hint = e.Hint };
            }
            catch (IOException e)
            {
                throw new ConnectorException($"Connection '{Name}': {_store!.Options.Display}{file.RelativePath} broke off while downloading: {e.Message}", e) { Connection = Name };
            }

            copies[i] = file with { FullPath = copy };
        }).ConfigureAwait(false);
        return [.. copies];
    }

    private static DuckDbDataReader Execute(DuckDbCommand command, string stream, CancellationToken cancellationToken)
    {
        try
        {
            return command.ExecuteReader(CommandBehavior.Default, cancellationToken);
        }
        catch (DuckDbException e)
        {
            throw new ConnectorException($"Cannot read stream '{stream}': {e.Message}", e) { Stream = stream };
        }
    }

    private ConnectorException RejectFailure(RejectedRow row, int count)
    {
        var column = row.Column is null ? "" : $", column '{row.Column}'";
        var more = count > 1 ? $" ({count - 1} more malformed row(s) found)" : "";
        return new ConnectorException($"Malformed row in stream '{row.Stream}': file '{row.File}', line {row.Line}{column}: {row.Reason}{more}")
        {
            Connection = Name,
            Stream = row.Stream,
            Hint = "Fix the file, or set on_error: skip or quarantine to load the good rows and set the bad ones aside.",
        };
    }

    /// <summary>
    /// The files as DuckDB can read them: as they are, or (in an encoding DuckDB cannot read) UTF-8 copies in
    /// <paramref name="copies"/>, which the caller deletes whatever happens; the copies are uncompressed.
    /// </summary>
    private List<(string Path, FileEntry File)> Transcoded(
        FileFormat format, List<(string Path, FileEntry File)> files, ref FileCompression? compression, ref DirectoryInfo? copies, CancellationToken cancellationToken)
    {
        if (!TextEncoding.IsTranscoded(format))
        {
            return files;
        }

        copies ??= Directory.CreateTempSubdirectory("nagare-files-");
        var result = new List<(string Path, FileEntry File)>(files.Count);
        foreach (var (path, file) in files)
        {
            // The copy keeps the file's name (without a compression extension), so DuckDB sees no compression in it.
            var name = Path.GetFileName(file.RelativePath);
            var byName = FileKinds.FromFileName(name).Compression;
            var fileCompression = compression ?? byName;
            if (byName != FileCompression.None)
            {
                name = name[..name.LastIndexOf('.')];
            }

            var copy = Path.Combine(copies.FullName, result.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + name);
            try
            {
                Utf8Transcoder.Transcode(path, fileCompression, TextEncoding, copy, file.RelativePath, cancellationToken);
            }
            catch (ConnectorException e)
            {
                throw new ConnectorException(e.Message, e) { Connection = Name, Hint = e.Hint };
            }

            result.Add((copy, file));
        }

        compression = FileCompression.None;
        return result;
    }

    private List<(string Path, FileEntry File)> ValidateJson(
        string stream, FileFormat format, FileCompression? compression, List<(string Path, FileEntry File)> files, OnError onError, List<RejectedRow> rejects, ref DirectoryInfo? cleaned)
    {
        var scanned = new List<(string Path, FileEntry File)>(files.Count);
        foreach (var (path, file) in files)
        {
            var fileCompression = compression ?? FileKinds.FromFileName(file.RelativePath).Compression;
            if (!JsonFileValidator.CanValidate(fileCompression))
            {
                scanned.Add((path, file));
                continue;
            }

            var problems = JsonFileValidator.Validate(path, fileCompression, lineWise: format == FileFormat.Ndjson, stopAtFirst: onError == OnError.Fail);
            if (problems.Count == 0)
            {
                scanned.Add((path, file));
                continue;
            }

            rejects.AddRange(problems.Select(p => new RejectedRow(stream, file.RelativePath, p.Line, null, p.Reason, p.RawRow)));
            if (onError == OnError.Fail)
            {
                throw RejectFailure(rejects[0], rejects.Count);
            }

            if (problems.Any(p => p.WholeFile))
            {
                continue;
            }

            cleaned ??= Directory.CreateTempSubdirectory("nagare-files-");
            var copy = Path.Combine(cleaned.FullName, scanned.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".ndjson");
            JsonFileValidator.WriteWithout(path, fileCompression, problems.Select(p => p.Line).ToHashSet(), copy);
            scanned.Add((copy, file));
        }

        if (cleaned is not null && compression is FileCompression.Gzip)
        {
            // Cleaned copies are plain text, so the configured compression cannot apply to all files: decompress them all.
            for (var i = 0; i < scanned.Count; i++)
            {
                if (!scanned[i].Path.StartsWith(cleaned.FullName, StringComparison.Ordinal))
                {
                    var copy = Path.Combine(cleaned.FullName, "plain-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".ndjson");
                    using (var input = new GZipStream(File.OpenRead(scanned[i].Path), CompressionMode.Decompress))
                    using (var output = File.Create(copy))
                    {
                        input.CopyTo(output);
                    }

                    scanned[i] = (copy, scanned[i].File);
                }
            }
        }

        return scanned;
    }

    private static void RegisterFiles(DuckDbConnection engine, List<(string Path, FileEntry File)> files)
    {
        engine.ExecuteNonQuery("CREATE TEMP TABLE _nagare_files (path VARCHAR, rel VARCHAR, modified TIMESTAMP WITH TIME ZONE)");
        using var appender = engine.CreateAppender("_nagare_files");
        foreach (var (path, file) in files)
        {
            appender.AppendRow(path, file.RelativePath, file.LastModified);
        }

        appender.Close();
    }

    // cursorFilter: whether rows are filtered by the cursor (not when the files were chosen by the list of files read).
    private string SelectSql(DuckDbConnection engine, ReadRequest request, FileFormat format, FileCompression? compression, List<(string Path, FileEntry File)> files, bool isCsv, bool cursorFilter)
    {
        var requested = request.EffectiveColumns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var real = request.Stream.Columns.Where(c => c.Name is not (FileColumn or FileModifiedColumn)).ToList();
        string call;
        if (isCsv)
        {
            // Reading as the requested types makes unconvertible values rejects (with line and column) instead of query errors.
            // Files that differ in header are read group by group, each typed by the columns it has.
            var groups = CsvHeaderGroups.Group(files, f => f.Path, compression, _options.Header);
            var calls = new List<string>();
            foreach (var group in groups)
            {
                var paths = group.Select(f => f.Path).ToList();
                var present = groups.Count == 1 ? null : ColumnNames(engine, request.Stream.Id.Name, FileScan.Call(format, compression, paths, _options, null, storeRejects: false));
                var types = real.Where(c => requested.ContainsKey(c.Name) && (present is null || present.Contains(c.Name)))
                    .Select(c => KeyValuePair.Create(c.Name, DuckDbTypeMapping.TypeName(requested[c.Name]))).ToList();
                calls.Add(FileScan.Call(format, compression, paths, _options, types, storeRejects: true));
            }

            call = FileScan.Combined(calls);
        }
        else
        {
            var types = format is FileFormat.Json or FileFormat.Ndjson && real.Count > 0
                ? real.Select(c => KeyValuePair.Create(c.Name, requested.TryGetValue(c.Name, out var t) ? DuckDbTypeMapping.TypeName(t) : c.NativeType ?? DuckDbTypeMapping.TypeName(c.Type))).ToList()
                : null;
            call = FileScan.Call(format, compression, [.. files.Select(f => f.Path)], _options, types, storeRejects: false);
        }

        var projection = string.Join(", ", request.EffectiveColumns.Select(c =>
            $"CAST({DuckDbDialect.Quote(c.Name)} AS {DuckDbTypeMapping.TypeName(c.Type)}) AS {DuckDbDialect.Quote(c.Name)}"));
        var sql = $"SELECT {projection} FROM (SELECT s.* EXCLUDE ({FileScan.PathColumn}), f.rel AS {FileColumn}, f.modified AS {FileModifiedColumn} " +
                  $"FROM {call} AS s JOIN _nagare_files AS f ON f.path = s.{FileScan.PathColumn}) AS q";
        var conditions = new List<string>();
        if (!string.IsNullOrWhiteSpace(request.Filter))
        {
            conditions.Add("(" + request.Filter + ")");
        }

        if (cursorFilter && request.Cursor is { } cursor && cursor.After is not null)
        {
            conditions.Add($"{DuckDbDialect.Quote(cursor.Column)} > {FileScan.Literal(cursor.After)}");
        }

        if (conditions.Count > 0)
        {
            sql += " WHERE " + string.Join(" AND ", conditions);
        }

        if (request.Cursor is { } ordered)
        {
            sql += $" ORDER BY {DuckDbDialect.Quote(ordered.Column)}";
        }

        if (request.Limit is { } limit)
        {
            sql += " LIMIT " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return sql;
    }

    /// <summary>The column names a scan yields.</summary>
    private HashSet<string> ColumnNames(DuckDbConnection engine, string stream, string call)
    {
        using var command = engine.CreateCommand();
        command.CommandText = "DESCRIBE SELECT * FROM " + call;
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }
        catch (DuckDbException e)
        {
            throw Failure($"Cannot read stream '{stream}': {e.Message}", stream, e);
        }

        return names;
    }

    private static void CollectCsvRejects(DuckDbConnection engine, string stream, List<(string Path, FileEntry File)> files, List<RejectedRow> rejects)
    {
        var byPath = files.ToDictionary(f => f.Path, f => f.File.RelativePath, StringComparer.Ordinal);
        using var command = engine.CreateCommand();
        command.CommandText =
            $"SELECT s.file_path, e.line, e.column_name, e.error_type, e.error_message, e.csv_line FROM {FileScan.RejectsTable} e " +
            $"JOIN {FileScan.RejectScansTable} s ON s.scan_id = e.scan_id AND s.file_id = e.file_id ORDER BY s.file_path, e.line";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var path = reader.GetString(0);
            rejects.Add(new RejectedRow(
                stream,
                byPath.TryGetValue(path, out var relative) ? relative : path,
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3) + ": " + reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
    }
}
