using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Nagare.Connectors.Common;
using Nagare.Connectors.Sqlite;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Sqlite;

/// <summary>Each target is a fresh SQLite file in a temporary folder.</summary>
public sealed class SqliteComplianceFixture : IComplianceFixture
{
    public Task<ComplianceTarget> CreateTargetAsync() => Task.FromResult<ComplianceTarget>(new Target());

    private sealed class Target : ComplianceTarget
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("nagare-sqlite-").FullName;
        private readonly SqliteFileConnection _connection;

        public Target()
        {
            _connection = new SqliteFileConnection("app_sqlite", new SqliteConnectorOptions(Path.Combine(_folder, "app.db")));
        }

        public override IConnection Connection => _connection;

        public override string? Namespace => SqliteFileConnection.MainSchema;

        /// <summary>SQLite has no list, struct or 64-bit unsigned storage: they are kept as json and decimal(20,0) text.</summary>
        public override bool SupportsType(ColumnType type) => type.Kind is not (ColumnKind.List or ColumnKind.Struct or ColumnKind.UInt64);

        public override ColumnType ExpectedType(ColumnType written) => SqliteDialect.StoredType(written);

        public override async Task CreateTableAsync(string name, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> primaryKey, IReadOnlyList<object?[]> rows)
        {
            await using var connection = await _connection.OpenAsync(CancellationToken.None);
            var key = primaryKey.IsEmpty ? "" : ", PRIMARY KEY (" + string.Join(", ", primaryKey.Select(DuckDbDialect.Quote)) + ")";
            var table = DuckDbDialect.Quote(name);
            using (var create = connection.CreateCommand())
            {
                create.CommandText = $"CREATE TABLE {table} ({string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + SqliteDialect.Instance.TypeName(c.Type) + (c.Nullable ? "" : " NOT NULL")))}{key})";
                create.ExecuteNonQuery();
            }

            foreach (var row in rows)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = $"INSERT INTO {table} VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
                for (var i = 0; i < columns.Length; i++)
                {
                    insert.Parameters.AddWithValue("$p" + i, Stored(row[i]));
                }

                insert.ExecuteNonQuery();
            }
        }

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            return ValueTask.CompletedTask;
        }

        /// <summary>The documented stored form, written independently of the connector.</summary>
        private static object Stored(object? value) => value switch
        {
            null => DBNull.Value,
            bool b => b ? 1 : 0,
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            ulong u => u.ToString(CultureInfo.InvariantCulture),
            float f => (double)f,
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly t => t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            Interval i => $"{i.Months} months {i.Days} days {i.Microseconds} microseconds",
            Guid g => g.ToString("D"),
            IEnumerable and not string and not byte[] => throw new ArgumentException("SQLite tables in tests hold no lists.", nameof(value)),
            _ => value,
        };
    }
}
