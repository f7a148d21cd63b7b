using System.Collections.Immutable;
using MySqlConnector;
using Nagare.Connectors.MySql;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.MySql;

/// <summary>Each target is a fresh database (with a hostile name) on the test server, dropped afterwards.</summary>
public sealed class MySqlComplianceFixture : IComplianceFixture, IAsyncLifetime
{
    private readonly MySqlFixture _server = new();

    public async Task<ComplianceTarget> CreateTargetAsync()
    {
        var database = $"compliance `my` 'x' {Guid.NewGuid():N}"[..40];
        await _server.ExecuteAsync($"CREATE DATABASE {MySqlDialect.Quote(database)} CHARACTER SET utf8mb4");
        return new Target(_server, database);
    }

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private sealed class Target(MySqlFixture server, string database) : ComplianceTarget
    {
        private readonly MySqlServerConnection _connection = server.CreateConnection(database, "compliance_mysql");

        public override IConnection Connection => _connection;

        public override string? Namespace => database;

        /// <summary>
        /// MySQL has no interval, uuid, list or struct type, its TIME is a duration (read as interval) and its TIMESTAMP ends
        /// in 2038 (timestamptz is kept in UTC in a DATETIME): those are stored as other types (see <see cref="MySqlDialect.StoredType"/>).
        /// </summary>
        public override bool SupportsType(ColumnType type) =>
            type.Kind is not (ColumnKind.Time or ColumnKind.TimestampTz or ColumnKind.Interval or ColumnKind.Uuid or ColumnKind.List or ColumnKind.Struct);

        public override ColumnType ExpectedType(ColumnType written) => MySqlDialect.StoredType(written);

        public override async Task CreateTableAsync(string name, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> primaryKey, IReadOnlyList<object?[]> rows)
        {
            var dialect = MySqlDialect.Instance;
            var table = dialect.QuoteTable(database, name);
            var key = primaryKey.IsEmpty ? "" : ", PRIMARY KEY (" + string.Join(", ", primaryKey.Select(MySqlDialect.Quote)) + ")";
            var definitions = string.Join(", ", columns.Select(c => $"{MySqlDialect.Quote(c.Name)} {dialect.TypeName(c.Type)}{(c.Nullable ? " NULL" : " NOT NULL")}"));
            await using var connection = await server.OpenAsync(database);
            await using (var create = new MySqlCommand($"CREATE TABLE {table} ({definitions}{key}) DEFAULT CHARSET=utf8mb4", connection))
            {
                await create.ExecuteNonQueryAsync();
            }

            var placeholders = string.Join(", ", columns.Select((_, i) => "@p" + i));
            foreach (var row in rows)
            {
                await using var insert = new MySqlCommand($"INSERT INTO {table} VALUES ({placeholders})", connection);
                for (var i = 0; i < columns.Length; i++)
                {
                    insert.Parameters.AddWithValue("@p" + i, row[i] switch
                    {
                        null => DBNull.Value,
                        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                        float f => (double)f,
                        var value => value,
                    });
                }

                await insert.ExecuteNonQueryAsync();
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await _connection.DisposeAsync();
            await server.ExecuteAsync($"DROP DATABASE IF EXISTS {MySqlDialect.Quote(database)}");
        }
    }
}
