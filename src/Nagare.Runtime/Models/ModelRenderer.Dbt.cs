using System.Globalization;
using System.Text;
using Nagare.DuckDb;
using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>
/// The parts of the template context that dbt packages read: the <c>dbt</c> namespace of built-in macros, one
/// namespace per installed package, <c>adapter.dispatch</c>, <c>{% call statement %}</c> with <c>load_result</c>,
/// relation and column look-ups, <c>api</c> and <c>modules</c>.
/// </summary>
internal sealed partial class ModelRenderer
{
    /// <summary>What the render running on this thread may use (its node, its warehouse connection, its statements).</summary>
    [ThreadStatic]
    private static RenderState? _current;

    private readonly Dictionary<string, MacroNamespace> _namespaces = new(StringComparer.Ordinal);
    private MacroDispatcher? _dispatcher;

    /// <summary>The namespaces of macros: the root project, <c>dbt</c> and every installed package.</summary>
    public IReadOnlyDictionary<string, MacroNamespace> Namespaces => _namespaces;

    /// <summary>The dispatcher of <c>adapter.dispatch</c>.</summary>
    public MacroDispatcher Dispatcher => _dispatcher!;

    /// <summary>
    /// Adds the built-in <c>dbt</c> macros (also callable without prefix, below the project's own), the package
    /// namespaces, and the context functions packages use. Runs before the project's macros are added.
    /// </summary>
    private void AddDbtContext(IReadOnlyList<PackageMacroFile> packageMacros, StringBuilder key)
    {
        var dbt = new MacroNamespace("dbt");
        foreach (var template in DbtBuiltins.Templates)
        {
            dbt.Add(template);
            Environment.AddMacros(template);
        }

        _namespaces["dbt"] = dbt;
        Environment.AddGlobal("dbt", dbt);
        key.Append("dbt:").Append(DbtBuiltins.Checksum).Append('|');

        foreach (var package in _project.Packages)
        {
            var space = new MacroNamespace(package.Name);
            _namespaces[package.Name] = space;
            Environment.AddGlobal(package.Name, space);
        }

        foreach (var file in packageMacros)
        {
            Template template;
            try
            {
                template = Environment.Parse(file.Text, file.Path);
            }
            catch (TemplateException e)
            {
                throw new ModelProjectException(e.Message, e);
            }

            foreach (var name in _namespaces[file.Package].Add(template))
            {
                MacroChecksums[$"{file.Package}.{name}"] = ProjectScanner.Hash(MacroSource(file.Text, name));
            }

            key.Append(file.Path).Append(':').Append(ProjectScanner.Hash(file.Text)).Append('|');
        }

        _dispatcher = new MacroDispatcher(_project.Name, _namespaces, _project.DispatchOrders);
        key.Append("dispatch:").Append(string.Join(";", _project.DispatchOrders.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + string.Join(",", kv.Value))));

        Environment.RegisterFunction("statement", Statement);
        Environment.RegisterFunction("load_result", a => _current?.Results.GetValueOrDefault(TemplateArguments.ToText(a.Get(0, "name"))));
        Environment.RegisterFunction("load_relation", a => GetRelation(a, a.Get(0, "relation") as RelationValue is { } r ? (r.Schema, r.Identifier) : (null, null)));
        Environment.RegisterFunction("should_store_failures", _ => false);
        Environment.AddGlobal("api", DbtApi.Api);
        Environment.AddGlobal("modules", DbtApi.Modules);
        AddRunContext();
    }

    /// <summary>The entries of <c>adapter</c> besides quote and type.</summary>
    private void AddAdapterFunctions(Dictionary<string, object?> adapter)
    {
        adapter["dispatch"] = (TemplateFunction)(a => _dispatcher!.Dispatch(a));
        adapter["get_columns_in_relation"] = (TemplateFunction)GetColumns;
        adapter["get_relation"] = (TemplateFunction)(a => GetRelation(a, (TemplateArguments.ToText(a.Get(1, "schema")), TemplateArguments.ToText(a.Get(2, "identifier")))));
        adapter["load_relation"] = (TemplateFunction)(a => GetRelation(a, a.Get(0, "relation") as RelationValue is { } r ? (r.Schema, r.Identifier) : (null, null)));
    }

    /// <summary>A macro by plain name (project, then built-in) or as <c>package.name</c>.</summary>
    private bool TryGetMacro(string name, out object? macro)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            macro = null;
            return _namespaces.TryGetValue(name[..dot], out var space) && space.TryGet(name[(dot + 1)..], out macro);
        }

        foreach (var space in new[] { _project.Name, "dbt" })
        {
            if (_namespaces.TryGetValue(space, out var ns) && ns.TryGet(name, out macro))
            {
                return true;
            }
        }

        macro = null;
        return false;
    }

    /// <summary>The package that defines a generic test macro <c>test_name</c> when the project does not: dbt looks in every package.</summary>
    public string? PackageOf(string macro) =>
        _namespaces.Values.FirstOrDefault(ns => ns.Name != "dbt" && ns.Name != _project.Name && ns.Contains(macro))?.Name;

    private static RenderState Enter(RenderCapture? capture, Func<DuckDbConnection>? connection, out RenderState? previous)
    {
        previous = _current;
        var state = new RenderState(capture, connection);
        _current = state;
        return state;
    }

    private static void Leave(RenderState? previous) => _current = previous;

    /// <summary><c>{% call statement('name', fetch_result=True) %}sql{% endcall %}</c>: runs the SQL when the node runs.</summary>
    private static object? Statement(TemplateArguments a)
    {
        var state = _current;
        var caller = a.Keyword.GetValueOrDefault("caller");
        var sql = caller is null ? string.Empty : TemplateArguments.ToText(a.Call(caller));
        if (state?.Capture is { } capture)
        {
            capture.NeedsFinalRender = true;
        }

        if (state?.Capture is not { Final: true } || state.Connection is null)
        {
            return string.Empty;
        }

        var name = a.Get(0, "name") is { } n && !TemplateArguments.IsUndefined(n) ? TemplateArguments.ToText(n) : "main";
        var result = Query(sql, state.Connection);
        var fetch = a.Get(1, "fetch_result") is true;
        state.Results[name] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["data"] = fetch ? result.Data : new List<object?>(),
            ["table"] = fetch ? result : QueryResult.Empty,
            ["response"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = "OK", ["rows_affected"] = (long)result.Rows.Count },
        };
        return string.Empty;
    }

    private object? GetColumns(TemplateArguments a)
    {
        var relation = a.Get(0, "relation");
        var state = _current;
        if (state?.Capture is { } capture)
        {
            capture.NeedsFinalRender = true;
        }

        if (state?.Capture is not { Final: true } || state.Connection is null || relation is null)
        {
            return new List<object?>();
        }

        var (schema, table) = relation is RelationValue r ? (r.Schema, r.Identifier) : SplitRelation(TemplateArguments.ToText(relation));
        var sql = "select column_name, data_type from information_schema.columns where table_schema = " + Literal(schema ?? _project.Target.Schema) +
            " and table_name = " + Literal(table) + " order by ordinal_position";
        return Query(sql, state.Connection).Data.Select(row => (object?)ColumnValue.Create((string)((List<object?>)row!)[0]!, (string)((List<object?>)row)[1]!)).ToList();
    }

    private object? GetRelation(TemplateArguments a, (string? Schema, string? Identifier) name)
    {
        var state = _current;
        if (state?.Capture is { } capture)
        {
            capture.NeedsFinalRender = true;
        }

        if (state?.Capture is not { Final: true } || state.Connection is null || name.Identifier is null)
        {
            return null;
        }

        var schema = name.Schema ?? _project.Target.Schema;
        var sql = "select table_name from information_schema.tables where table_schema = " + Literal(schema) + " and table_name = " + Literal(name.Identifier);
        return Query(sql, state.Connection).Rows.Count == 0
            ? null
            : new RelationValue($"{ProjectScanner.Quote(schema)}.{ProjectScanner.Quote(name.Identifier)}", _project.Target.Database, schema, name.Identifier, null);
    }

    private static (string? Schema, string Table) SplitRelation(string text)
    {
        var parts = text.Split('.').Select(p => p.Trim().Trim('"')).ToArray();
        return parts.Length >= 2 ? (parts[^2], parts[^1]) : (null, parts[0]);
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Runs a query and returns every row, as run_query and statement do.</summary>
    internal static QueryResult Query(string sql, Func<DuckDbConnection> connection)
    {
        using var command = connection().CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    int v => (long)v,
                    short v => (long)v,
                    byte v => (long)v,
                    float v => (double)v,
                    var v => v,
                };
            }

            rows.Add(row);
        }

        return new QueryResult(names, rows);
    }

    /// <summary>One render's dbt state.</summary>
    private sealed class RenderState(RenderCapture? capture, Func<DuckDbConnection>? connection)
    {
        public RenderCapture? Capture { get; } = capture;

        public Func<DuckDbConnection>? Connection { get; } = connection;

        public Dictionary<string, object?> Results { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>A macro file of an installed package.</summary>
internal sealed record PackageMacroFile(string Package, string Path, string Text);

/// <summary>A column as <c>adapter.get_columns_in_relation</c> returns it (dbt's Column: name, data_type, is_string()…).</summary>
internal static class ColumnValue
{
    private static readonly string[] NumberTypes = ["INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "DOUBLE", "FLOAT", "REAL"];

    public static HostObject Create(string name, string dataType)
    {
        var isString = dataType.StartsWith("VARCHAR", StringComparison.OrdinalIgnoreCase) || dataType.Equals("TEXT", StringComparison.OrdinalIgnoreCase) || dataType.Equals("STRING", StringComparison.OrdinalIgnoreCase);
        var isNumber = NumberTypes.Contains(dataType, StringComparer.OrdinalIgnoreCase) || dataType.StartsWith("DECIMAL", StringComparison.OrdinalIgnoreCase) || dataType.StartsWith("NUMERIC", StringComparison.OrdinalIgnoreCase);
        return new HostObject("Column", null, new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = name,
            ["column"] = name,
            ["quoted"] = ProjectScanner.Quote(name),
            ["data_type"] = dataType,
            ["dtype"] = dataType,
            ["is_string"] = (TemplateFunction)(_ => isString),
            ["is_number"] = (TemplateFunction)(_ => isNumber),
            ["is_numeric"] = (TemplateFunction)(_ => isNumber && !dataType.Contains("INT", StringComparison.OrdinalIgnoreCase)),
            ["is_integer"] = (TemplateFunction)(_ => dataType.Contains("INT", StringComparison.OrdinalIgnoreCase)),
            ["is_float"] = (TemplateFunction)(_ => dataType is "DOUBLE" or "FLOAT" or "REAL"),
        });
    }
}
