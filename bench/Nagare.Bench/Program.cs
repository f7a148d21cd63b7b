using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Nagare.Bench;

// bench/duckdb.sh runs each case in a fresh process so peak memory is per case:
//   prepare DB N | read DB N | append DB N | engine-read DB N | engine-append DB N
//   micro [BenchmarkDotNet args]   in-process micro-benchmarks
if (args is ["micro", ..])
{
    BenchmarkSwitcher.FromAssembly(typeof(DuckDbCases).Assembly).Run(args[1..]);
    return 0;
}

// bench/replication/*.sh: sync PROJECT NAME [THREADS] | pg-read CONNSTRING SCHEMA TABLE
if (args is ["sync", var project, var syncName, ..])
{
    return await ReplicationCases.SyncAsync(project, syncName, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null);
}

if (args is ["pg-read", var connectionString, var schema, var table])
{
    return await ReplicationCases.PostgresReadAsync(connectionString, schema, table);
}

// bench/replication/throughput-mariadb.sh: my-read CONNSTRING SCHEMA TABLE | my-driver-read CONNSTRING SQL
if (args is ["my-read", var myConnectionString, var mySchema, var myTable])
{
    return await ReplicationCases.MySqlReadAsync(myConnectionString, mySchema, myTable);
}

if (args is ["my-driver-read", var driverConnectionString, var driverSql])
{
    return ReplicationCases.MySqlDriverRead(driverConnectionString, driverSql);
}

// bench/replication/throughput.sh: duckdb-sql DB_FILE SQL (the DuckDB half of the two-step job a user would script)
if (args is ["duckdb-sql", var sqlDatabase, var sqlText])
{
    using var connection = new Nagare.DuckDb.DuckDbConnection(new Nagare.DuckDb.DuckDbConnectionStringBuilder { DataSource = sqlDatabase }.ConnectionString);
    connection.Open();
    connection.ExecuteNonQuery(sqlText);
    return 0;
}

// bench/pipelines/*.sh: pipeline-dag PROJECT PIPELINE [SPAWN_SAMPLE] | pipeline-latency STORE PROJECT RUN_ID | pipeline-year STORE PROJECT [RUNS]
if (args is ["pipeline-dag", var dagProject, var dagPipeline, ..])
{
    return await PipelineCases.DagAsync(dagProject, dagPipeline, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 500);
}

// spawn COUNT PARALLEL: seconds to start `true` COUNT times, PARALLEL at a time, as a command step starts programs.
if (args is ["spawn", var spawnCount, var spawnParallel])
{
    return await SpawnCase.RunAsync(int.Parse(spawnCount, CultureInfo.InvariantCulture), int.Parse(spawnParallel, CultureInfo.InvariantCulture));
}

// bench/server/load.sh: server-load --url URL [--token T] [--path P] [--rate R] --seconds S [--concurrency C] [--method M] [--body JSON] [--warmup S]
// (open loop with --rate, closed loop without)
if (args is ["server-load", ..])
{
    return await ServerLoadCase.RunAsync(args);
}

// bench/activations/http.sh: http-receiver URL_FILE (the API an HTTP activation sends to; until SIGTERM)
if (args is ["http-receiver", var urlFile])
{
    return await HttpReceiverCase.RunAsync(urlFile);
}

if (args is ["pipeline-latency", var latencyStore, var latencyProject, var latencyRun])
{
    return await PipelineCases.LatencyAsync(latencyStore, latencyProject, long.Parse(latencyRun, CultureInfo.InvariantCulture));
}

if (args is ["pipeline-year", var yearStore, var yearProject, ..])
{
    return await PipelineCases.YearAsync(yearStore, yearProject, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 365);
}

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Nagare.Bench prepare|read|append|engine-read|engine-append DB_FILE ROWS | micro [...]");
    return 1;
}

var (op, db, rows) = (args[0], args[1], long.Parse(args[2], CultureInfo.InvariantCulture));
using var cases = new DuckDbCases(db);
var watch = Stopwatch.StartNew();
var processed = op switch
{
    "prepare" => cases.Prepare(rows),
    "read" => cases.Read(),
    "append" => cases.Append(rows),
    "engine-read" => cases.EngineRead(),
    "engine-append" => cases.EngineAppend(),
    _ => throw new ArgumentException($"unknown operation '{op}'"),
};
var seconds = watch.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $$"""{"impl":"{{(op.StartsWith("engine", StringComparison.Ordinal) ? "engine" : "nagare")}}","op":"{{op.Replace("engine-", "", StringComparison.Ordinal)}}","rows":{{processed}},"seconds":{{seconds}},"peakRssMb":{{PeakRss.Megabytes()}}}"""));
return 0;
