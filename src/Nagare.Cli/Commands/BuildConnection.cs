using Nagare.DuckDb;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary>A warehouse connection opened only when a template calls run_query() at compile time.</summary>
internal sealed class BuildConnection : IDisposable
{
    private readonly ModelProject _project;
    private DuckDbConnection? _connection;

    public BuildConnection(ModelProject project) => _project = project;

    public DuckDbConnection Get() => _connection ??= ModelRunner.Open(_project);

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
