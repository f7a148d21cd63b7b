using System.Globalization;
using System.Text.Json;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Types;

namespace Nagare.Runtime.Activations;

/// <summary>
/// Split files written by <see cref="FileExportWriter"/> into a work folder of an <see cref="IExportStorage"/> (a local
/// folder, a bucket of object storage), published with a manifest written last: the files, their rows, bytes and SHA-256,
/// the schema and the run. A run that fails before the manifest leaves no manifest naming its files.
/// </summary>
public sealed class FilesTarget(FilesDestination destination, IExportStorage storage, TimeProvider time) : IActivationTarget
{
    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, ColumnType>> DescribeAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, ColumnType>>(new Dictionary<string, ColumnType>());

    /// <inheritdoc/>
    public async Task<ActivationResult> SendAsync(ActivationDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var plan = delivery.Plan;
        var name = delivery.Activation.Name;
        var records = destination.Mode == ActivationMode.Changes ? ActivationRecords.ChangesWithDeletes : ActivationRecords.All;
        var columns = delivery.ColumnsOf(records);
        var fileName = Render(() => ActivationFileNames.Render(destination.FileName, delivery.TemplateContext, $"file_name of activation '{name}'"));
        var manifestName = Render(() => ActivationFileNames.RenderPlain(destination.Manifest, delivery.TemplateContext, $"manifest of activation '{name}'"));
        var options = new FileExportOptions(destination.Format, destination.Gzip, destination.MaxBytes, destination.MaxRows, fileName, destination.Header, destination.Parallel)
        {
            Delimiter = destination.Delimiter,
            NullString = destination.NullString,
        };
        var work = storage.CreateWorkFolder();
        try
        {
            IReadOnlyList<ExportedFile> files;
            await using (var writer = FileExportWriter.Open(work, columns, options, name))
            {
                try
                {
                    await delivery.ReadAsync(records, writer.WriteAsync, cancellationToken).ConfigureAwait(false);
                    files = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ConnectorException e) when (e.Row is { } row)
                {
                    throw new ActivationException($"Activation '{name}': record {delivery.DescribeRecord(records, row)}: {e.Message}", e)
                    {
                        Hint = "Raise max_bytes, or leave the large field out of the columns.",
                    };
                }
            }

            var manifest = Manifest(delivery, records, files);
            try
            {
                await storage.PublishAsync(files, manifestName, manifest, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorException e)
            {
                throw new ActivationException($"Activation '{name}': {e.Message}", e) { Hint = e.Hint };
            }
            long inserted = 0, updated = 0, deleted = 0;
            if (records == ActivationRecords.All)
            {
                inserted = files.Sum(f => f.Rows);
            }
            else
            {
                (inserted, updated, deleted) = (plan.Inserts, plan.Updates, plan.Deletes);
            }

            return new ActivationResult(plan, inserted, updated, deleted, 0, files.Count, files.Sum(f => f.Bytes), manifestName, 0);
        }
        finally
        {
            storage.DeleteWorkFolder(work);
        }
    }

    /// <summary>Disposes the storage (an object store's client), which the target owns.</summary>
    public ValueTask DisposeAsync()
    {
        (storage as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Render(Func<string> render)
    {
        try
        {
            return render();
        }
        catch (Templating.TemplateException e)
        {
            throw new ActivationException(e.Message, e);
        }
    }

    private byte[] Manifest(ActivationDelivery delivery, ActivationRecords records, IReadOnlyList<ExportedFile> files)
    {
        var plan = delivery.Plan;
        var document = new
        {
            activation = delivery.Activation.Name,
            run_date = delivery.TemplateContext["run_date"],
            run_id = delivery.TemplateContext["run_id"],
            created_at = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            mode = destination.Mode.ToString().ToLowerInvariant(),
            format = destination.Format,
            compression = destination.Gzip ? "gzip" : "none",
            rows = files.Sum(f => f.Rows),
            bytes = files.Sum(f => f.Bytes),
            files = files.Select(f => new { path = f.RelativePath, rows = f.Rows, bytes = f.Bytes, sha256 = f.Sha256 }),
            schema = delivery.ColumnsOf(records).Select(c => new { name = c.Name, type = c.Type.ToString() }),
            key = delivery.Key,
            watermark = new
            {
                result_rows = plan.ResultRows,
                inserts = records == ActivationRecords.All ? files.Sum(f => f.Rows) : plan.Inserts,
                updates = records == ActivationRecords.All ? 0 : plan.Updates,
                deletes = records == ActivationRecords.All ? 0 : plan.Deletes,
                full = records == ActivationRecords.All,
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, ManifestJson);
    }

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };
}
