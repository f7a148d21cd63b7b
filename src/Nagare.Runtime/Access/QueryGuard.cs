using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nagare.DuckDb;

namespace Nagare.Runtime.Access;

/// <summary>
/// Decides whether a role may run a piece of ad-hoc SQL on the warehouse, enforcing its dataset grants inside the SQL.
/// Non-admins may run SELECT queries only, on tables of datasets they may read, with no table function or scalar
/// function that reaches files, the network, settings, other databases or the catalog. The guard never runs the
/// SQL: it reads DuckDB's syntax tree (<c>json_serialize_sql</c>) before anything is bound, then the plan DuckDB
/// binds (<c>EXPLAIN</c>), where views and macros are expanded and every name is resolved. Whatever it does not
/// recognise in either it refuses.
/// </summary>
public static partial class QueryGuard
{
    private const string AdminHint = "Ask an admin if you need it.";

    /// <summary>
    /// Decides whether <paramref name="policy"/> may run <paramref name="sql"/> (one or more statements) on the
    /// warehouse <paramref name="connection"/>. Admins may run anything; their decision still lists the tables of
    /// SELECT statements when DuckDB can plan them. Runs only <c>current_database()</c>, <c>json_serialize_sql</c>,
    /// <c>json_deserialize_sql</c> and <c>EXPLAIN</c> of each statement (with DuckDB's optimizer off for the
    /// moment of the EXPLAIN, so that no table is optimised out of the plan before it is checked).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<GuardDecision> CheckAsync(DuckDbConnection connection, string sql, AccessPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(policy);
        var database = await ScalarAsync(connection, "SELECT current_database()", null, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("DuckDB did not name its current database.");
        var scope = new Scope(policy, database);
        var serialized = await ScalarAsync(connection, "SELECT json_serialize_sql($1::VARCHAR)", sql, cancellationToken).ConfigureAwait(false) ?? "";
        using var document = JsonDocument.Parse(serialized);
        var root = document.RootElement;
        if (!root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.False)
        {
            return policy.IsAdmin ? new GuardDecision(true, null, [], []) { Sql = sql } : GuardDecision.Refuse(NotSelectReason(root, sql, scope));
        }

        if (!root.TryGetProperty("statements", out var statements) || statements.ValueKind != JsonValueKind.Array || statements.GetArrayLength() == 0)
        {
            return policy.IsAdmin ? new GuardDecision(true, null, [], []) { Sql = sql } : GuardDecision.Refuse("There is no statement to run.");
        }

        if (!policy.IsAdmin)
        {
            foreach (var statement in statements.EnumerateArray())
            {
                if (CheckSyntax(statement, scope) is { } reason)
                {
                    return GuardDecision.Refuse(reason);
                }
            }
        }

        var plan = new PlanContents();
        var single = statements.GetArrayLength() == 1;
        var protect = policy.HasProtections;
        var rewritten = new Dictionary<string, int>(StringComparer.Ordinal);
        var texts = new List<string>();
        foreach (var written in statements.EnumerateArray())
        {
            var statement = written;
            if (protect)
            {
                var node = JsonNode.Parse(written.GetRawText())!;
                if (await ProtectAsync(connection, node, scope, rewritten, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    return GuardDecision.Refuse(problem);
                }

                using var protectedDocument = JsonDocument.Parse(node.ToJsonString());
                statement = protectedDocument.RootElement.Clone();
            }

            // One statement is planned as written; of several (or a rewritten one), each is planned from DuckDB's own
            // rendering of its syntax tree, since only DuckDB's parser knows where one statement ends.
            var text = single && rewritten.Count == 0 ? sql : await DeserializeAsync(connection, statement, cancellationToken).ConfigureAwait(false);
            texts.Add(text);
            JsonElement physical;
            try
            {
                physical = await ExplainAsync(connection, text, cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDbException e) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The check of the SQL was cancelled.", e, cancellationToken);
            }
            catch (DuckDbException e)
            {
                return policy.IsAdmin ? Allowed(plan) with { Sql = sql } : GuardDecision.Refuse(WithoutSuggestions(e.Message));
            }

            if (CheckPlan(physical, scope, plan) is { } reason && !policy.IsAdmin)
            {
                return GuardDecision.Refuse(reason);
            }
        }

        if (protect && CheckProtectedScans(plan, rewritten, scope) is { } bypass)
        {
            return GuardDecision.Refuse(bypass);
        }

        return Allowed(plan) with { Sql = rewritten.Count == 0 ? sql : string.Join(";\n", texts) };
    }

    private static GuardDecision Allowed(PlanContents plan) => new(true, null, [.. plan.Tables], [.. plan.Functions]);

    private static async Task<JsonElement> ExplainAsync(DuckDbConnection connection, string statement, CancellationToken cancellationToken)
    {
        // Optimised plans drop scans whose rows cannot matter (WHERE false, a LIMIT 0 subquery); the unoptimised plan
        // still names every table the statement binds, so a table cannot be probed without being checked.
        await using (var disable = connection.CreateCommand())
        {
            disable.CommandText = "PRAGMA disable_optimizer";
            await disable.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN (FORMAT JSON) " + statement;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.FieldCount >= 2 && !reader.IsDBNull(1) && string.Equals(reader.GetString(0), "physical_plan", StringComparison.Ordinal))
                {
                    using var plan = JsonDocument.Parse(reader.GetString(1));
                    return plan.RootElement.Clone();
                }
            }

            throw new DuckDbException("DuckDB gave no plan for the statement.");
        }
        finally
        {
            // Not cancellable: the connection must be left as it was found.
            connection.ExecuteNonQuery("PRAGMA enable_optimizer");
        }
    }

    private static async Task<string> DeserializeAsync(DuckDbConnection connection, JsonElement statement, CancellationToken cancellationToken)
    {
        var tree = new JsonObject { ["error"] = false, ["statements"] = new JsonArray(JsonNode.Parse(statement.GetRawText())) };
        return await ScalarAsync(connection, "SELECT json_deserialize_sql($1::JSON)", tree.ToJsonString(), cancellationToken).ConfigureAwait(false)
            ?? throw new DuckDbException("DuckDB could not render a statement of the SQL.");
    }

    private static async Task<string?> ScalarAsync(DuckDbConnection connection, string sql, string? argument, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (argument is not null)
        {
            command.Parameters.Add(new DuckDbParameter(argument));
        }

        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Why SQL that DuckDB would not serialise is refused: a parse error, or a statement that is not a SELECT.</summary>
    private static string NotSelectReason(JsonElement root, string sql, Scope scope)
    {
        var message = Text(root, "error_message") ?? "the SQL could not be read";
        if (string.Equals(Text(root, "error_type"), "parser", StringComparison.Ordinal))
        {
            return "Parser Error: " + message;
        }

        var kind = StatementKeywords.FirstNotQuery(sql);
        return kind is null
            ? $"Only SELECT queries may be run by role '{scope.Policy.Role}'; other statements need the admin role."
            : $"Only SELECT queries may be run by role '{scope.Policy.Role}'; {kind} needs the admin role.";
    }

    /// <summary>
    /// DuckDB's error without its "Did you mean" line: the suggestion may name a table of a dataset the caller may not
    /// read.
    /// </summary>
    private static string WithoutSuggestions(string message)
    {
        var lines = message.Split('\n').Where(line => !line.StartsWith("Did you mean", StringComparison.Ordinal));
        return string.Join('\n', lines).Trim();
    }

    /// <summary>Who asks, and the name of the warehouse's own catalog.</summary>
    private sealed record Scope(AccessPolicy Policy, string Database);
}
