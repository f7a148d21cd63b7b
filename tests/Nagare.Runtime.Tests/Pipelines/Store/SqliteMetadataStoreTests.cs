using Microsoft.Data.Sqlite;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Pipelines.Store;

/// <summary>The metadata store compliance facts on the embedded store: a SQLite file in a fresh temporary folder.</summary>
public sealed class SqliteMetadataStoreTests : MetadataStoreCompliance
{
    private readonly TempProject project = new();

    private string StorePath => project.PathOf(MetadataStore.DefaultPath);

    protected override Task<MetadataStore> CreateStoreAsync() => Task.FromResult<MetadataStore>(new SqliteMetadataStore(StorePath));

    protected override async Task<object?> SqlAsync(string sql)
    {
        // A test may build an older schema by hand before the store has made its folder.
        Directory.CreateDirectory(Path.GetDirectoryName(StorePath)!);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StorePath, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        project.Dispose();
    }
}
