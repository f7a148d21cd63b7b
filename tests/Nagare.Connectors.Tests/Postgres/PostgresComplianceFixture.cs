using System.Collections.Immutable;
using Nagare.Connectors.Postgres;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>Each target is a fresh schema (with a hostile name) on the test server, dropped afterwards.</summary>
public sealed class PostgresComplianceFixture : IComplianceFixture, IAsyncLifetime
{
    private readonly PostgresFixture _server = new();

    public Task<ComplianceTarget> CreateTargetAsync() =>
        Task.FromResult<ComplianceTarget>(new Target(_server, $"compliance \"pg\" {Guid.NewGuid():N}"[..35]));

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private sealed class Target(PostgresFixture server, string schema) : ComplianceTarget
    {
        private readonly PostgresConnection _connection = server.CreateConnection("compliance_pg");

        public override IConnection Connection => _connection;

        public override string? Namespace => schema;

        /// <summary>PostgreSQL has no 8-bit or unsigned integers (they are stored widened) and keeps structs as jsonb.</summary>
        public override bool SupportsType(ColumnType type) =>
            type.Kind is not (ColumnKind.Int8 or ColumnKind.UInt8 or ColumnKind.UInt16 or ColumnKind.UInt32 or ColumnKind.UInt64 or ColumnKind.Struct);

        public override ColumnType ExpectedType(ColumnType written) => PostgresDialect.StoredType(written);

        public override async Task CreateTableAsync(string name, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> primaryKey, IReadOnlyList<object?[]> rows)
        {
            var dialect = PostgresDialect.Instance;
            var table = dialect.QuoteTable(schema, name);
            var key = primaryKey.IsEmpty ? "" : ", PRIMARY KEY (" + string.Join(", ", primaryKey.Select(PostgresDialect.Quote)) + ")";
            var definitions = string.Join(", ", columns.Select(c => $"{PostgresDialect.Quote(c.Name)} {dialect.TypeName(c.Type)}{(c.Nullable ? "" : " NOT NULL")}"));
            await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {PostgresDialect.Quote(schema)}; CREATE TABLE {table} ({definitions}{key})", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            var placeholders = string.Join(", ", columns.Select((_, i) => "$" + (i + 1)));
            foreach (var row in rows)
            {
                await using var insert = new NpgsqlCommand($"INSERT INTO {table} VALUES ({placeholders})", connection);
                for (var i = 0; i < columns.Length; i++)
                {
                    insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = PostgresConnection.CastWire(columns[i].Type), Value = Native(row[i], columns[i].Type) });
                }

                await insert.ExecuteNonQueryAsync();
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await _connection.DisposeAsync();
            await server.ExecuteAsync($"DROP SCHEMA IF EXISTS {PostgresDialect.Quote(schema)} CASCADE");
        }

        private static object Native(object? value, ColumnType type) => value switch
        {
            null => DBNull.Value,
            Interval i => new NpgsqlInterval(i.Months, i.Days, i.Microseconds),
            object?[] items => type.Element!.Kind switch
            {
                ColumnKind.Int64 => items.Select(v => (long?)v).ToArray(),
                ColumnKind.Int32 => items.Select(v => (int?)v).ToArray(),
                _ => items.Select(v => v?.ToString()).ToArray(),
            },
            _ => value,
        };
    }
}
