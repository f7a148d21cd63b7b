using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Connectors.Files;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Connectors.Tests.DuckDb;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Connectors.Tests.Files;

/// <summary>
/// Each target is a fresh temporary folder written as Parquet (the format that keeps every canonical type);
/// native tables are Parquet files written by DuckDB itself into a folder named after the table.
/// </summary>
public sealed class FilesComplianceFixture : IComplianceFixture
{
    public Task<ComplianceTarget> CreateTargetAsync() => Task.FromResult<ComplianceTarget>(new Target());

    private sealed class Target : ComplianceTarget
    {
        private readonly string _root = Directory.CreateTempSubdirectory("nagare-files-compliance-").FullName;
        private readonly FilesConnection _connection;

        public Target()
        {
            _connection = new FilesConnection("files", new FilesConnectorOptions(_root, "parquet") { FileColumns = false, PrimaryKeys = new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["id"] } });
        }

        public override IConnection Connection => _connection;

        public override string? Namespace => null;

        public override (ColumnSchema Column, object Value)? UnholdableValue => null;

        /// <summary>Parquet has no negative intervals, so intervals are left out of the round trips.</summary>
        public override bool SupportsType(ColumnType type) => type.Kind != ColumnKind.Interval && (type.Element is null || SupportsType(type.Element));

        public override Task CreateTableAsync(string name, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> primaryKey, IReadOnlyList<object?[]> rows)
        {
            var folder = Path.Combine(_root, name);
            Directory.CreateDirectory(folder);
            using var db = new DuckDbConnection("Data Source=:memory:");
            db.Open();
            db.ExecuteNonQuery($"SET TimeZone = 'UTC'; CREATE TABLE t ({string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + DuckDbTypeMapping.TypeName(c.Type)))})");
            foreach (var row in rows)
            {
                db.ExecuteNonQuery($"INSERT INTO t VALUES ({string.Join(", ", row.Select((v, i) => DuckDbLiterals.Format(v, columns[i].Type)))})");
            }

            db.ExecuteNonQuery($"COPY t TO {DuckDbDialect.Literal(Path.Combine(folder, "data.parquet"))} (FORMAT parquet)");
            return Task.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            await _connection.DisposeAsync();
            Directory.Delete(_root, recursive: true);
        }
    }
}
