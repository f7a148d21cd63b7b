using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Connectors.DuckDb;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Tests.DuckDb;

/// <summary>Each target is a fresh in-memory DuckDB database with its own schema.</summary>
public sealed class DuckDbComplianceFixture : IComplianceFixture
{
    public Task<ComplianceTarget> CreateTargetAsync() =>
        Task.FromResult<ComplianceTarget>(new Target(new DuckDbWarehouseConnection("warehouse", new DuckDbConnectorOptions(DuckDbConnectorOptions.InMemory))));

    private sealed class Target(DuckDbWarehouseConnection connection) : ComplianceTarget
    {
        public override IConnection Connection => connection;

        public override string? Namespace => "compliance schema";

        public override async Task CreateTableAsync(string name, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> primaryKey, IReadOnlyList<object?[]> rows)
        {
            await using var db = await connection.OpenAsync(CancellationToken.None);
            var table = DuckDbDialect.Instance.QuoteTable(Namespace, name);
            var key = primaryKey.IsEmpty ? "" : ", PRIMARY KEY (" + string.Join(", ", primaryKey.Select(DuckDbDialect.Quote)) + ")";
            db.ExecuteNonQuery($"CREATE SCHEMA IF NOT EXISTS {DuckDbDialect.Quote(Namespace!)}; CREATE TABLE {table} ({string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + DuckDbTypeMapping.TypeName(c.Type) + (c.Nullable ? "" : " NOT NULL")))}{key})");
            foreach (var row in rows)
            {
                db.ExecuteNonQuery($"INSERT INTO {table} VALUES ({string.Join(", ", row.Select((v, i) => DuckDbLiterals.Format(v, columns[i].Type)))})");
            }
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
