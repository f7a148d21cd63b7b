using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Infrastructure;
using Npgsql;

namespace Nagare.Runtime.Tests.Pipelines.Store;

/// <summary>
/// The metadata store compliance facts on the test PostgreSQL server: each test in a schema of its own (the store's
/// connection string puts it first in the search path), dropped at the end.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PostgresMetadataStoreTests : MetadataStoreCompliance
{
    private TestPostgres pg = null!;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(pg.ConnectionString) { SearchPath = pg.Schema }.ConnectionString;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        pg = await TestPostgres.CreateAsync("rt_store");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await pg.DisposeAsync();
    }

    protected override Task<MetadataStore> CreateStoreAsync() => Task.FromResult<MetadataStore>(new PostgresMetadataStore(ConnectionString));

    protected override async Task<object?> SqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
