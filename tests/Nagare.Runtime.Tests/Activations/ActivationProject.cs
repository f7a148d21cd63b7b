using Microsoft.Data.Sqlite;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>A project with a warehouse to activate from: SQL on the warehouse, and runs and dry runs of its activations.</summary>
internal sealed class ActivationProject : IDisposable
{
    public ActivationProject()
    {
        Project.Write("nagare.yml", "name: act\n");
    }

    public TempProject Project { get; } = new();

    public ActivationProject Write(string path, string text)
    {
        Project.Write(path, text);
        return this;
    }

    /// <summary>Runs statements on the project's warehouse (creating it).</summary>
    public void Warehouse(string sql)
    {
        Directory.CreateDirectory(Project.PathOf(".nagare"));
        using var db = Nagare.Runtime.Connections.Warehouse.Open(Project.PathOf(".nagare/warehouse.duckdb"));
        db.ExecuteNonQuery(sql);
    }

    public ActivationService Service(IReadOnlyDictionary<string, string>? environment = null) =>
        new(ProjectLoader.Load(Project.Root, environment: environment is null ? null : name => environment.GetValueOrDefault(name)), ConnectorRegistry.Default, TimeProvider.System);

    public Task<ActivationResult> RunAsync(string name, bool full = false) =>
        Service().RunAsync(name, new ActivationRunOptions(new DateOnly(2026, 12, 1)) { Full = full }, CancellationToken.None);

    public Task<ActivationPlan> PlanAsync(string name) =>
        Service().PlanAsync(name, new ActivationRunOptions(new DateOnly(2026, 12, 1)), CancellationToken.None);

    /// <summary>Rows of a SQLite file as <c>v1|v2</c>.</summary>
    public static List<string> Sqlite(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return TempProject.Rows(reader);
    }

    public void Dispose() => Project.Dispose();
}
