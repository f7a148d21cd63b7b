using Nagare.DuckDb.Appending;

namespace Nagare.DuckDb.TableFunctions;

/// <summary>
/// A table function implemented in .NET and registered with
/// <see cref="DuckDbConnection.RegisterTableFunction"/>, callable from SQL as <c>SELECT … FROM name(args)</c>.
/// DuckDB calls it in three steps: bind (once per query: read the arguments, declare the result columns),
/// init (once per scan: learn which columns the query needs) and produce (repeatedly: fill one output chunk,
/// return the number of rows, 0 when done). Create one with <see cref="DuckDbTableFunction{TBind, TScan}"/>.
/// </summary>
/// <remarks>
/// Exceptions thrown by the callbacks never reach native code: they fail the query, which surfaces as a
/// <see cref="DuckDbException"/> carrying the exception's message. Scans run on one thread at a time, though
/// not necessarily the thread that ran the query. States implementing <see cref="IDisposable"/> are disposed
/// when DuckDB releases them.
/// </remarks>
public abstract class DuckDbTableFunction
{
    private protected DuckDbTableFunction(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The SQL name.</summary>
    public string Name { get; }

    /// <summary>Types of the positional parameters, in order.</summary>
    public IReadOnlyList<DuckDbColumnType> Parameters { get; init; } = [];

    /// <summary>Named parameters (<c>name(…, key := value)</c>) and their types; all optional.</summary>
    public IReadOnlyDictionary<string, DuckDbColumnType> NamedParameters { get; init; } = new Dictionary<string, DuckDbColumnType>();

    /// <summary>
    /// Whether DuckDB may ask for only the columns a query uses (default true). When on, the output chunk holds
    /// just those columns, in the order of <see cref="DuckDbTableFunctionInitContext.ProjectedColumns"/>.
    /// </summary>
    public bool SupportsProjectionPushdown { get; init; } = true;

    internal abstract object? Bind(DuckDbTableFunctionBindContext context);

    internal abstract object? Init(object? bindState, DuckDbTableFunctionInitContext context);

    internal abstract int Produce(object? bindState, object? scanState, DuckDbChunkWriter output);
}
