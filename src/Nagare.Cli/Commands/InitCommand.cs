using System.CommandLine;
using Nagare.Core;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare init [DIR]</c>: scaffolds a project folder.</summary>
public static class InitCommand
{
    internal const string ProjectFile = """
        # Nagare project. Reference: docs/configuration.md
        name: my_project

        # The embedded DuckDB warehouse (the built-in 'warehouse' connection), relative to this folder.
        warehouse: .nagare/warehouse.duckdb

        defaults:
          parallelism: 4        # streams copied at once (override with: nagare sync NAME --threads N)
          max_concurrency: 4    # default per-connection limit of sessions
          chunk_rows: 1000000   # tables estimated bigger than this are copied in key-range chunks

        """;

    internal const string ExampleConnection = """
        # A connection: name, type (postgres | sqlite | duckdb | files) and the type's own keys.
        # Secrets come from the environment with ${NAME}; they are never written back or printed.
        name: app_db
        type: postgres
        host: 127.0.0.1
        port: 5432
        database: shop
        user: reader
        password: ${APP_DB_PASSWORD:-}   # ${NAME:-default} falls back when NAME is unset
        max_concurrency: 4      # most sessions Nagare opens on this database at once

        """;

    internal const string ExampleSync = """
        # A sync copies selected streams of a source into a destination (the warehouse by default).
        name: example
        source: app_db
        destination: warehouse
        target_schema: lake_app
        naming: "{table}"                # or "{schema}_{table}"

        streams:
          - select: "public.*"           # glob over schema.table
            exclude: ["public.tmp_*"]
            mode: incremental            # full_refresh | append | incremental | merge
            cursor: updated_at
          - select: "shard_*.orders_*"   # fan-in: many same-shaped tables into one
            into: orders_all
            source_column: _source
            mode: full_refresh

        # Column rules for every stream: "column", "table.column" or "schema.table.column" globs.
        columns:
          "*.email": { mask: sha256 }

        on_error: fail                   # fail | skip | quarantine (rows go to _rejected)

        """;

    internal const string ExampleModel = """
        -- A model: a SELECT that `nagare build` makes a table (or view) in the warehouse, here mart.orders_daily.
        -- It reads what the example sync lands in lake_app. Models read other models with ref('name') inside
        -- double braces, which chains them into a DAG that build runs in order.
        {{ config(materialized='table') }}

        select cast(created_at as date) as day, count(*) as orders
        from lake_app.orders
        group by 1

        """;

    internal const string ExamplePipeline = """
        # A pipeline: steps run in the order `after:` gives. `nagare serve` starts it on its schedule;
        # `nagare pipeline run daily` runs it now. Reference: docs/pipelines.md
        name: daily
        schedule:
          cron: "0 3 * * *"              # every day at 03:00
          timezone: UTC
        retries: 2
        steps:
          - sync: example                # step name: the sync's name
          - build: "+orders_daily"       # the model and everything upstream of it
            after: [example]

        """;

    public static Command Create(CliContext context)
    {
        var dir = new Argument<string>("dir") { Description = "Folder to create the project in.", DefaultValueFactory = _ => "." };
        var command = new Command("init", "Create a project folder: nagare.yml, connections/, syncs/, models/, pipelines/.") { dir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = parse.GetValue(dir)!;
            var files = new (string Path, string Text)[]
            {
                (Path.Combine(root, "nagare.yml"), ProjectFile.Replace("my_project", ProjectName(root), StringComparison.Ordinal)),
                (Path.Combine(root, "connections", "app_db.yml"), ExampleConnection),
                (Path.Combine(root, "syncs", "example.yml"), ExampleSync),
                (Path.Combine(root, "models", "mart", "orders_daily.sql"), ExampleModel),
                (Path.Combine(root, "pipelines", "daily.yml"), ExamplePipeline),
            };
            foreach (var (path, _) in files)
            {
                if (File.Exists(path))
                {
                    throw new NagareException($"'{path}' already exists; init does not overwrite files.")
                    {
                        Hint = "Choose an empty folder: nagare init DIR",
                    };
                }
            }

            foreach (var (path, text) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"created {path}").ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync("Next: edit connections/app_db.yml and syncs/example.yml, then run: nagare sync example (then nagare build, or the whole pipeline: nagare pipeline run daily)").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ProjectName(string root)
    {
        var name = new DirectoryInfo(Path.GetFullPath(root)).Name;
        var clean = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_')]).Trim('_');
        return clean.Length == 0 ? "my_project" : clean;
    }
}
