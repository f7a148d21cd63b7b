using System.CommandLine;
using System.Text.Json;
using Nagare.Cli.Output;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Core.Json;
using Nagare.Core.Schema;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare connection test|discover NAME</c>.</summary>
public static class ConnectionCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("connection", "Check and explore the project's connections.");
        command.Subcommands.Add(CreateTest(context));
        command.Subcommands.Add(CreateDiscover(context));
        return command;
    }

    private static Command CreateTest(CliContext context)
    {
        var project = ProjectOption.Create();
        var name = new Argument<string>("name") { Description = "Connection name." };
        var command = new Command("test", "Check that a connection is reachable and usable.") { name, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ProjectOption.Load(parse, project, context);
            var connectionName = parse.GetValue(name)!;
            var report = await ConnectionProbe.TestAsync(ConnectorRegistry.Default, config, connectionName, context.Time, cancellationToken).ConfigureAwait(false);
            var result = report.Result;
            await context.Out.WriteLineAsync($"ok: {connectionName} ({report.Type}) in {report.Elapsed.TotalSeconds:0.000} s").ConfigureAwait(false);
            if (result.ServerVersion is not null)
            {
                await context.Out.WriteLineAsync($"  version: {result.ServerVersion}").ConfigureAwait(false);
            }

            foreach (var (key, value) in result.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                await context.Out.WriteLineAsync($"  {key}: {value}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateDiscover(CliContext context)
    {
        var project = ProjectOption.Create();
        var name = new Argument<string>("name") { Description = "Connection name." };
        var select = new Option<string?>("--select", "-s") { Description = "Only streams whose schema.table matches this glob." };
        var json = new Option<bool>("--json") { Description = "Print JSON for machines." };
        var command = new Command("discover", "List a connection's streams with columns, keys and row estimates.") { name, select, json, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ProjectOption.Load(parse, project, context);
            var connectionName = parse.GetValue(name)!;
            var glob = parse.GetValue(select);
            var streams = await ConnectionProbe.DiscoverAsync(ConnectorRegistry.Default, config, connectionName, glob, context.Time, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await WriteStreamsJsonAsync(streams, context.Out, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("stream", "columns", "primary key", "cursor candidates", "rows (est.)");
            foreach (var s in streams)
            {
                table.AddRow(
                    Markup.Escape(s.Id.ToString()),
                    Markup.Escape(string.Join(", ", s.Columns.Select(c => $"{c.Name} {c.Type}"))),
                    Markup.Escape(string.Join(", ", s.PrimaryKey)),
                    Markup.Escape(string.Join(", ", s.CursorCandidates)),
                    s.EstimatedRows?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }

            context.Console.Write(table);
            await context.Out.WriteLineAsync($"{streams.Count} streams").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static readonly JsonSerializerOptions JsonOptions = JsonFormat.IndentedSerializer;

    /// <summary>
    /// The streams as an indented JSON array, written field by field and flushed every few hundred streams: a
    /// database of 100,000 tables gives tens of megabytes, which reflection-based serialization into one string
    /// took seconds to produce.
    /// </summary>
    internal static async Task WriteStreamsJsonAsync(IReadOnlyList<StreamSchema> streams, TextWriter output, CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 20);
        await using var writer = new Utf8JsonWriter(buffer, JsonFormat.IndentedWriter);
        writer.WriteStartArray();
        for (var i = 0; i < streams.Count; i++)
        {
            var s = streams[i];
            writer.WriteStartObject();
            writer.WriteString("stream", s.Id.ToString());
            writer.WriteString("namespace", s.Id.Namespace);
            writer.WriteString("name", s.Id.Name);
            if (s.EstimatedRows is { } rows)
            {
                writer.WriteNumber("estimated_rows", rows);
            }
            else
            {
                writer.WriteNull("estimated_rows");
            }

            writer.WriteStrings("primary_key", s.PrimaryKey.IsDefault ? [] : s.PrimaryKey);
            writer.WriteStrings("cursor_candidates", s.CursorCandidates.IsDefault ? [] : s.CursorCandidates);
            writer.WriteStartArray("columns");
            foreach (var c in s.Columns)
            {
                writer.WriteStartObject();
                writer.WriteString("name", c.Name);
                writer.WriteString("type", c.Type.ToString());
                writer.WriteBoolean("nullable", c.Nullable);
                writer.WriteString("native_type", c.NativeType);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            if (buffer.WrittenCount > 1 << 19 || i == streams.Count - 1)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        await FlushAsync().ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        async Task FlushAsync()
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).AsMemory(), cancellationToken).ConfigureAwait(false);
            buffer.ResetWrittenCount();
        }
    }
}
