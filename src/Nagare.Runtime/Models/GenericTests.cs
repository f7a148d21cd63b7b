using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Models;

/// <summary>The SQL of dbt's built-in generic tests; each returns the failing rows.</summary>
internal static partial class GenericTests
{
    public static bool IsBuiltIn(string name) => name is "unique" or "not_null" or "accepted_values" or "relationships";

    /// <summary>The node a relationships test points to, from its <c>to:</c> argument.</summary>
    public static RelationCall? RelationshipTarget(ModelNode test)
    {
        if (test.TestName != "relationships")
        {
            return null;
        }

        var to = test.TestArguments.TryGetValue("to", out var t) ? t as string : null;
        if (to is null)
        {
            throw new ModelProjectException($"{test.Path}: test {test.Name}: relationships needs 'to: ref(...)' and 'field:'");
        }

        return ParseRelation(to) ?? throw new ModelProjectException($"{test.Path}: test {test.Name}: 'to: {to}' must be ref('model') or source('name', 'table')");
    }

    public static RelationCall? ParseRelation(string text)
    {
        var m = RelationPattern().Match(text);
        if (!m.Success)
        {
            return null;
        }

        return m.Groups[1].Value == "source"
            ? new RelationCall(true, m.Groups[2].Value, m.Groups[3].Value)
            : m.Groups[3].Success ? new RelationCall(false, m.Groups[2].Value, m.Groups[3].Value) : new RelationCall(false, null, m.Groups[2].Value);
    }

    public static string Sql(ModelNode test, string model, ModelNode? to, ModelRenderer renderer)
    {
        var args = test.TestArguments;
        var column = test.ColumnName ?? (args.TryGetValue("column_name", out var cn) ? cn as string : null);
        if (test.Config.Values.TryGetValue("where", out var where) && where is string w && w.Length > 0)
        {
            model = $"(select * from {model} where {w}) dbt_subquery";
        }

        string Column() => column ?? throw new ModelProjectException($"{test.Path}: test {test.Name}: {test.TestName} needs a column (put it under columns:, or give column_name:)");

        switch (test.TestName)
        {
            case "not_null":
                return $"select {Column()}\nfrom {model}\nwhere {Column()} is null";
            case "unique":
                return $"select\n    {Column()} as unique_field,\n    count(*) as n_records\nfrom {model}\nwhere {Column()} is not null\ngroup by {Column()}\nhaving count(*) > 1";
            case "accepted_values":
                var values = args.TryGetValue("values", out var v) && v is IEnumerable list and not string
                    ? list.Cast<object?>().ToList()
                    : throw new ModelProjectException($"{test.Path}: test {test.Name}: accepted_values needs 'values: [...]'");
                var quote = !args.TryGetValue("quote", out var q) || q is not false;
                var literals = string.Join(", ", values.Select(x => quote ? "'" + Convert.ToString(x, CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal) + "'" : Convert.ToString(x, CultureInfo.InvariantCulture)));
                return $"with all_values as (\n    select\n        {Column()} as value_field,\n        count(*) as n_records\n    from {model}\n    group by {Column()}\n)\nselect *\nfrom all_values\nwhere value_field not in (\n    {literals}\n)";
            case "relationships":
                var field = args.TryGetValue("field", out var f) && f is string fs ? fs : throw new ModelProjectException($"{test.Path}: test {test.Name}: relationships needs 'field:'");
                return $"with child as (\n    select {Column()} as from_field\n    from {model}\n    where {Column()} is not null\n),\nparent as (\n    select {field} as to_field\n    from {to!.RelationName}\n)\nselect\n    from_field\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\nwhere parent.to_field is null";
            default:
                var macro = TestMacro(test.TestName!, renderer);
                if (!renderer.HasMacro(macro))
                {
                    throw new ModelProjectException($"{test.Path}: unknown test '{test.TestName}' on {test.AttachedNode}. Built in: unique, not_null, accepted_values, relationships; custom tests are macros named {macro}(model, column_name, ...) in macros/");
                }

                var keyword = new Dictionary<string, object?>(StringComparer.Ordinal) { ["model"] = model };
                if (column is not null)
                {
                    keyword["column_name"] = column;
                }

                foreach (var (k, value) in args)
                {
                    keyword[k] = value is YamlMap or List<object?> ? Plain(value) : value;
                }

                return renderer.CallMacro(macro, [], keyword).Trim();
        }
    }

    /// <summary>
    /// The macro of a custom generic test: <c>test_name</c> of the project, or of the package named in
    /// <c>package.name</c>, or of the one package that defines it.
    /// </summary>
    private static string TestMacro(string testName, ModelRenderer renderer)
    {
        var dot = testName.LastIndexOf('.');
        if (dot > 0)
        {
            return $"{testName[..dot]}.test_{testName[(dot + 1)..]}";
        }

        var macro = "test_" + testName;
        return renderer.HasMacro(macro) ? macro : renderer.PackageOf(macro) is { } package ? $"{package}.{macro}" : macro;
    }

    private static object? Plain(object? value) => value switch
    {
        YamlMap m => m.ToDictionary(kv => kv.Key, kv => Plain(kv.Value), StringComparer.Ordinal),
        List<object?> l => l.Select(Plain).ToList(),
        _ => value,
    };

    [GeneratedRegex(@"^\s*(ref|source)\(\s*['""]([^'""]+)['""]\s*(?:,\s*['""]([^'""]+)['""]\s*)?\)\s*$")]
    private static partial Regex RelationPattern();
}
