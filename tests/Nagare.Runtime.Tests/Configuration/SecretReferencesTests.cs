using Nagare.Runtime.Access;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Configuration;

/// <summary><c>${secret:NAME}</c> in project files: read from the metadata store's sealed secrets, the store opened only when a file asks.</summary>
public sealed class SecretReferencesTests : IDisposable
{
    private readonly TempProject project = new();

    public SecretReferencesTests()
    {
        project.Write("nagare.yml", "name: shop\n");
    }

    public void Dispose() => project.Dispose();

    private static Func<string, string?> NoEnvironment => _ => null;

    [Fact]
    public async Task Load_KnownSecret_ReadAsSecretFromTheStore()
    {
        await StoreAsync(("pg_password", "s3cret p@ss"), ("pg_host", "db.internal"));
        project.Write("connections/pg.yml", "type: postgres\nhost: ${secret:pg_host}\ndatabase: shop\nuser: nagare\npassword: ${secret:pg_password}\n");

        var config = ProjectLoader.Load(project.Root, environment: SecretReferences.Lookup(StoredSecrets.OnDemand(null, project.Root), NoEnvironment));

        var pg = config.Connections["pg"];
        Assert.Equal("s3cret p@ss", pg.GetSecret("password")!.Reveal());
        Assert.Equal("db.internal", pg.GetString("host"));
        // A value from a secret stays secret even under a key the connector does not call secret.
        Assert.Null(pg.Settings["host"].Text);
        Assert.Equal("***", pg.Settings["host"].Secret!.ToString());
    }

    [Fact]
    public async Task Load_UnknownSecret_ConfigErrorWithFileLineAndName()
    {
        await StoreAsync(("other", "x"));
        project.Write("connections/pg.yml", "type: postgres\ndatabase: shop\nuser: nagare\npassword: ${secret:nope}\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: SecretReferences.Lookup(StoredSecrets.OnDemand(null, project.Root), NoEnvironment)));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(4, problem.Line);
        Assert.Equal("password", problem.Key);
        Assert.Contains(Path.Join("connections", "pg.yml") + ":4:", problem.Message, StringComparison.Ordinal);
        Assert.Contains("no secret 'nope' in the metadata store; set it with", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoSecretReferences_StoreNeverOpened()
    {
        project.Write("connections/inbox.yml", "type: files\npath: ${INBOX:-inbox}\n");
        var asked = 0;
        // A store that cannot be reached: opening it would fail the load.
        var unreachable = StoredSecrets.OnDemand("postgresql://nobody:pw@127.0.0.1:1/none", project.Root);

        var config = ProjectLoader.Load(project.Root, environment: SecretReferences.Lookup(name => { asked++; return unreachable(name); }, NoEnvironment));
        ProjectLoader.Load(project.Root, environment: SecretReferences.Lookup(StoredSecrets.OnDemand(null, project.Root), NoEnvironment));

        Assert.Equal("inbox", Path.GetFileName(config.Connections["inbox"].GetString("path")));
        Assert.Equal(0, asked);
        Assert.False(File.Exists(project.PathOf(MetadataStore.DefaultPath)));
    }

    [Fact]
    public void Load_SecretWithoutStore_SaysNoSecretAndCreatesNoStore()
    {
        project.Write("connections/pg.yml", "type: postgres\ndatabase: shop\nuser: nagare\npassword: ${secret:pg_password}\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root, environment: SecretReferences.Lookup(StoredSecrets.OnDemand(null, project.Root), NoEnvironment)));

        Assert.Contains("no secret 'pg_password'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(project.PathOf(MetadataStore.DefaultPath)));
    }

    private async Task StoreAsync(params (string Name, string Value)[] secrets)
    {
        var store = MetadataStore.Open(null, project.Root);
        await using (store)
        {
            await store.MigrateAsync(CancellationToken.None);
            var box = SecretBox.Load(project.Root);
            foreach (var (name, value) in secrets)
            {
                await store.PutSecretAsync(name, box.Seal(name, value), DateTimeOffset.UnixEpoch, CancellationToken.None);
            }
        }
    }
}
