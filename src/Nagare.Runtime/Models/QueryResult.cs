using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>What <c>run_query()</c> returns to templates: <c>columns</c> (each with <c>name</c> and <c>values()</c>), <c>rows</c> (mappings by column name) and <c>column_names</c>.</summary>
internal sealed class QueryResult
{
    public QueryResult(IReadOnlyList<string> names, List<object?[]> rows)
    {
        ColumnNames = [.. names];
        Rows = [.. rows.Select(r =>
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                row[names[i]] = r[i];
            }

            return (object?)row;
        })];
        Columns = [.. names.Select((n, i) => (object?)new QueryColumn(n, [.. rows.Select(r => r[i])]))];
        Data = [.. rows.Select(r => (object?)r.ToList())];
    }

    public static QueryResult Empty { get; } = new([], []);

    public List<object?> ColumnNames { get; }

    public List<object?> Columns { get; }

    public List<object?> Rows { get; }

    /// <summary>Rows as lists of values in column order (<c>load_result(...)['data']</c>).</summary>
    public List<object?> Data { get; }

    public override string ToString() => $"<table {Rows.Count} rows>";
}

/// <summary>One column of a <see cref="QueryResult"/>; <c>values()</c> lists its values like agate's.</summary>
internal sealed class QueryColumn
{
    private readonly List<object?> _values;

    public QueryColumn(string name, List<object?> values)
    {
        Name = name;
        _values = values;
        Values = _ => _values;
    }

    public string Name { get; }

    public TemplateFunction Values { get; }
}
