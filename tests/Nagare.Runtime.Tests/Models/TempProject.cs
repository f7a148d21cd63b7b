using Nagare.DuckDb;
using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

/// <summary>A model project in a temporary folder, with helpers to compile, build and query it.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "nagare-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public TempProject Write(string path, string text)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public ModelProject Load(string? target = null, IReadOnlyDictionary<string, object?>? vars = null) => ModelProject.Load(Root, target, vars);

    public Manifest Compile(string? target = null, bool cache = true) =>
        ModelCompiler.Compile(Load(target), new CompileOptions { UseCache = cache });

    public RunResults Build(string? target = null, string[]? select = null, int threads = 1, bool fullRefresh = false, IReadOnlyDictionary<string, object?>? vars = null)
    {
        var manifest = ModelCompiler.Compile(Load(target, vars));
        var selected = NodeSelector.Select(manifest, select);
        return new ModelRunner(manifest, new RunOptions { Threads = threads, FullRefresh = fullRefresh }).RunAsync(selected).GetAwaiter().GetResult();
    }

    public object? Scalar(string sql, string database = "warehouse.duckdb")
    {
        using var db = new DuckDbConnection($"Data Source={Path.Combine(Root, database)}");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed mid-way may leave a file open; the temp folder is disposable.
        }
    }
}
