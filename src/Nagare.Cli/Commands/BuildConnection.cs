using Nagare.Core.Connectors;
using Nagare.DuckDb;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary>A warehouse connection opened only when a template calls run_query() at compile time.</summary>
internal sealed class BuildConnection : IDisposable
{
    private readonly ModelProject _project;
    private readonly WarehouseOpenOptions _open;
    private DuckDbConnection? _connection;

    public BuildConnection(ModelProject project, WarehouseOpenOptions open)
    {
        _project = project;
        _open = open;
    }

    public DuckDbConnection Get() => _connection ??= ModelRunner.Open(_project, _open);

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
