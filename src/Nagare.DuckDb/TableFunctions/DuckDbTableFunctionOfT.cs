using Nagare.DuckDb.Appending;

namespace Nagare.DuckDb.TableFunctions;

/// <summary>
/// A table function built from three callbacks with typed state: <typeparamref name="TBind"/> lives for one
/// query (what bind learned: arguments, declared columns), <typeparamref name="TScan"/> for one scan (cursor,
/// projected columns, open source readers).
/// </summary>
/// <example>
/// <code>
/// var range = new DuckDbTableFunction&lt;long, RangeScan&gt;(
///     "my_range",
///     bind: context =&gt;
///     {
///         context.AddColumn("i", DuckDbColumnType.BigInt);
///         return context.GetParameter&lt;long&gt;(0);
///     },
///     init: (count, context) =&gt; new RangeScan(),
///     produce: (count, scan, output) =&gt;
///     {
///         var n = (int)Math.Min(output.Capacity, count - scan.Next);
///         var values = output.GetData&lt;long&gt;(0);
///         for (var i = 0; i &lt; n; i++) values[i] = scan.Next++;
///         return n;
///     })
/// { Parameters = [DuckDbColumnType.BigInt] };
/// connection.RegisterTableFunction(range);
/// </code>
/// </example>
public sealed class DuckDbTableFunction<TBind, TScan> : DuckDbTableFunction
{
    private readonly Func<DuckDbTableFunctionBindContext, TBind> _bind;
    private readonly Func<TBind, DuckDbTableFunctionInitContext, TScan> _init;
    private readonly Func<TBind, TScan, DuckDbChunkWriter, int> _produce;

    /// <param name="name">The SQL name.</param>
    /// <param name="bind">Reads the arguments, declares the result columns, returns the per-query state.</param>
    /// <param name="init">Sees the projected columns, returns the per-scan state.</param>
    /// <param name="produce">Fills the output chunk and returns its row count; 0 ends the scan.</param>
    public DuckDbTableFunction(
        string name,
        Func<DuckDbTableFunctionBindContext, TBind> bind,
        Func<TBind, DuckDbTableFunctionInitContext, TScan> init,
        Func<TBind, TScan, DuckDbChunkWriter, int> produce)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(produce);
        _bind = bind;
        _init = init;
        _produce = produce;
    }

    internal override object? Bind(DuckDbTableFunctionBindContext context) => _bind(context);

    internal override object? Init(object? bindState, DuckDbTableFunctionInitContext context) => _init((TBind)bindState!, context);

    internal override int Produce(object? bindState, object? scanState, DuckDbChunkWriter output) =>
        _produce((TBind)bindState!, (TScan)scanState!, output);
}
