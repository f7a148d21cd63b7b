using System.Globalization;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Models;

/// <summary>Data tests as dbt runs them: <c>fail_calc</c>, <c>limit</c>, <c>warn_if</c>/<c>error_if</c> thresholds and <c>store_failures</c>.</summary>
internal sealed partial class Materializer
{
    /// <summary>Whether a test keeps its failing rows in a table (<c>store_failures</c>, unless stored as ephemeral).</summary>
    public static bool StoresFailures(ModelNode test) =>
        test.Config.Values.TryGetValue("store_failures", out var v) && v is true or "true" or "True"
        && (test.Config.Values.TryGetValue("store_failures_as", out var a) ? Convert.ToString(a, CultureInfo.InvariantCulture) : "table") is not "ephemeral";

    /// <summary>Runs a test: the failure count (by <c>fail_calc</c>), the thresholds it crosses, up to five failing rows.</summary>
    public TestOutcome Test(ModelNode node)
    {
        var config = node.Config;
        var sql = StripSemicolon(node.CompiledSql!);
        if (StoresFailures(node))
        {
            // Replaced on every run, as dbt does, so the table always holds the last run's failing rows.
            var kind = config.Values.TryGetValue("store_failures_as", out var a) && a is "view" ? "view" : "table";
            var existing = ExistingType(node);
            using var tx = _connection.BeginTransaction();
            if (existing is not null)
            {
                _connection.ExecuteNonQuery($"drop {(existing == "VIEW" ? "view" : "table")} {node.RelationName}");
            }

            _connection.ExecuteNonQuery($"create {kind} {node.RelationName} as (\n{sql}\n)");
            tx.Commit();
            sql = $"select * from {node.RelationName}";
        }

        var limit = config.Values.TryGetValue("limit", out var l) && l is not null ? $"\nlimit {Convert.ToInt64(l, CultureInfo.InvariantCulture)}" : string.Empty;
        var failCalc = config.Values.TryGetValue("fail_calc", out var fc) && fc is string calc && calc.Trim().Length > 0 ? calc : "count(*)";
        var warnIf = Threshold(node, "warn_if");
        var errorIf = Threshold(node, "error_if");
        long failures;
        bool shouldWarn, shouldError;
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = $"select {failCalc} as failures, ({failCalc}) {warnIf} as should_warn, ({failCalc}) {errorIf} as should_error from (\n{sql}{limit}\n) dbt_internal_test";
            using var reader = command.ExecuteReader();
            reader.Read();
            failures = reader.IsDBNull(0) ? 0 : reader.GetValue(0) switch
            {
                Int128 huge => (long)huge,
                var v => Convert.ToInt64(v, CultureInfo.InvariantCulture),
            };
            shouldWarn = !reader.IsDBNull(1) && reader.GetBoolean(1);
            shouldError = !reader.IsDBNull(2) && reader.GetBoolean(2);
        }

        var stored = StoresFailures(node) ? $"; see them with: select * from {node.RelationName}" : string.Empty;
        var outcome = new TestOutcome(failures, shouldWarn, shouldError, $"Got {failures} failing row{(failures == 1 ? string.Empty : "s")}{stored}");
        if (shouldWarn || shouldError)
        {
            Samples(sql, outcome);
        }

        return outcome;
    }

    private void Samples(string sql, TestOutcome outcome)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"select * from (\n{sql}\n) dbt_internal_test limit 5";
        using var reader = command.ExecuteReader();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            outcome.Columns.Add(reader.GetName(i));
        }

        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            outcome.Samples.Add(row);
        }
    }

    /// <summary>A threshold such as <c>">10"</c> or <c>"!=0"</c> (the default); anything else is refused before it reaches SQL.</summary>
    private static string Threshold(ModelNode node, string key)
    {
        if (!node.Config.Values.TryGetValue(key, out var value) || value is null)
        {
            return "!= 0";
        }

        var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        var m = ThresholdPattern().Match(text);
        if (!m.Success)
        {
            throw new ModelProjectException($"{node.Path}: test {node.Name}: {key} '{text}' must be a comparison with a number, such as '>10', '>=1' or '!=0'");
        }

        return (m.Groups[1].Value == "==" ? "=" : m.Groups[1].Value) + " " + m.Groups[2].Value;
    }

    [GeneratedRegex(@"^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")]
    private static partial Regex ThresholdPattern();
}

/// <summary>What a test found: the failure count (by <c>fail_calc</c>), which thresholds it crosses, sample rows.</summary>
internal sealed record TestOutcome(long Failures, bool ShouldWarn, bool ShouldError, string Message)
{
    public List<string> Columns { get; } = [];

    public List<IReadOnlyList<object?>> Samples { get; } = [];
}
