using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.TableFunctions;

/// <summary>
/// The native entry points DuckDB calls for every .NET table function. Managed state travels as GCHandles:
/// extra info = the <see cref="DuckDbTableFunction"/>, bind data = <see cref="TableFunctionBinding"/>, init
/// data = <see cref="TableFunctionScan"/>; DuckDB's destroy callbacks free them. No exception may unwind into
/// native code, so every entry point catches everything and reports it through DuckDB's error setters.
/// </summary>
internal static unsafe class TableFunctionCallbacks
{
    public static delegate* unmanaged<IntPtr, void> BindPointer => &Bind;

    public static delegate* unmanaged<IntPtr, void> InitPointer => &Init;

    public static delegate* unmanaged<IntPtr, IntPtr, void> ProducePointer => &Produce;

    public static delegate* unmanaged<IntPtr, void> FreeHandlePointer => &FreeHandle;

    [UnmanagedCallersOnly]
    private static void Bind(IntPtr info)
    {
        object? state = null;
        DuckDbTableFunction? function = null;
        try
        {
            function = Target<DuckDbTableFunction>(NativeMethods.duckdb_bind_get_extra_info(info));
            var context = new DuckDbTableFunctionBindContext(info, function);
            state = function.Bind(context);
            if (context.Columns.Count == 0)
            {
                throw new InvalidOperationException($"Table function {function.Name} declared no result columns in its bind step.");
            }

            for (var i = 0; i < context.Columns.Count; i++)
            {
                var (name, type) = context.Columns[i];
                var nativeType = type.CreateNative();
                try
                {
                    if (context.AliasOf(i) is { } alias)
                    {
                        NativeMethods.duckdb_logical_type_set_alias(nativeType, alias);
                    }

                    NativeMethods.duckdb_bind_add_result_column(info, name, nativeType);
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref nativeType);
                }
            }

            var binding = new TableFunctionBinding(function, context.Columns.ToArray(), state);
            state = null;
            NativeMethods.duckdb_bind_set_bind_data(info, GCHandle.ToIntPtr(GCHandle.Alloc(binding)), &FreeHandle);
        }
        catch (Exception exception)
        {
            (state as IDisposable)?.Dispose();
            Report(exception, function, message => NativeMethods.duckdb_bind_set_error(info, message));
        }
    }

    [UnmanagedCallersOnly]
    private static void Init(IntPtr info)
    {
        object? state = null;
        TableFunctionBinding? binding = null;
        try
        {
            binding = Target<TableFunctionBinding>(NativeMethods.duckdb_init_get_bind_data(info));
            int[] projected;
            if (binding.Function.SupportsProjectionPushdown)
            {
                projected = new int[(int)NativeMethods.duckdb_init_get_column_count(info)];
                for (var i = 0; i < projected.Length; i++)
                {
                    var index = NativeMethods.duckdb_init_get_column_index(info, (ulong)i);
                    projected[i] = index > int.MaxValue ? -1 : (int)index;
                }
            }
            else
            {
                projected = Enumerable.Range(0, binding.Columns.Count).ToArray();
            }

            NativeMethods.duckdb_init_set_max_threads(info, 1);
            state = binding.Function.Init(binding.State, new DuckDbTableFunctionInitContext(binding.Columns, projected));
            var scan = new TableFunctionScan(binding, projected, state);
            state = null;
            NativeMethods.duckdb_init_set_init_data(info, GCHandle.ToIntPtr(GCHandle.Alloc(scan)), &FreeHandle);
        }
        catch (Exception exception)
        {
            (state as IDisposable)?.Dispose();
            Report(exception, binding?.Function, message => NativeMethods.duckdb_init_set_error(info, message));
        }
    }

    [UnmanagedCallersOnly]
    private static void Produce(IntPtr info, IntPtr output)
    {
        TableFunctionScan? scan = null;
        try
        {
            scan = Target<TableFunctionScan>(NativeMethods.duckdb_function_get_init_data(info));
            var writer = scan.WriterFor(output);
            var rows = scan.Binding.Function.Produce(scan.Binding.State, scan.State, writer);
            if (rows < 0 || rows > writer.Capacity)
            {
                throw new InvalidOperationException($"Table function {scan.Binding.Function.Name} returned {rows} rows; a chunk holds 0 to {writer.Capacity}.");
            }

            writer.Size = rows;
            writer.CommitSize();
        }
        catch (Exception exception)
        {
            NativeMethods.duckdb_data_chunk_set_size(output, 0);
            Report(exception, scan?.Binding.Function, message => NativeMethods.duckdb_function_set_error(info, message));
        }
    }

    /// <summary>Destroy callback for every GCHandle we hand to DuckDB.</summary>
    [UnmanagedCallersOnly]
    private static void FreeHandle(IntPtr pointer)
    {
        if (pointer == IntPtr.Zero)
        {
            return;
        }

        var handle = GCHandle.FromIntPtr(pointer);
        try
        {
            (handle.Target as IDisposable)?.Dispose();
        }
        catch (Exception)
        {
            // A failing Dispose of user state must not take the process down from a native destructor.
        }
        finally
        {
            handle.Free();
        }
    }

    private static T Target<T>(IntPtr pointer)
        where T : class =>
        GCHandle.FromIntPtr(pointer).Target as T
            ?? throw new InvalidOperationException($"DuckDB passed no {typeof(T).Name} to a table function callback.");

    private static void Report(Exception exception, DuckDbTableFunction? function, Action<string> setError)
    {
        try
        {
            var message = exception is DuckDbException or ArgumentException or InvalidOperationException or NotSupportedException
                ? exception.Message
                : $"{exception.GetType().Name}: {exception.Message}";
            setError(function is null ? message : $"{function.Name}: {message}");
        }
        catch (Exception)
        {
            // Reporting itself failed (e.g. out of memory); unwinding into native code would be worse.
        }
    }
}
