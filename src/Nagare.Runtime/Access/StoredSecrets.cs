using Nagare.Core;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Access;

/// <summary>
/// The sealed secrets of a metadata store, read once, each opened with the project's <see cref="SecretBox"/> only when
/// a project file asks for it (<see cref="Configuration.SecretReferences"/>): a project that references no secret never
/// loads the key, and one secret sealed with another key fails only the file that uses it.
/// </summary>
public sealed class StoredSecrets
{
    private readonly IReadOnlyDictionary<string, byte[]> sealedValues;
    private readonly Lazy<SecretBox> box;

    private StoredSecrets(IReadOnlyDictionary<string, byte[]> sealedValues, string projectRoot)
    {
        this.sealedValues = sealedValues;
        box = new Lazy<SecretBox>(() => SecretBox.Load(projectRoot));
    }

    /// <summary>The names of the secrets read, sorted.</summary>
    public IEnumerable<string> Names => sealedValues.Keys.Order(StringComparer.Ordinal);

    /// <summary>Reads every sealed secret of <paramref name="store"/> (a server does, before each load of the project).</summary>
    public static async Task<StoredSecrets> ReadAsync(MetadataStore store, string projectRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projectRoot);
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in await store.ListSecretNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await store.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { } value)
            {
                values[name] = value;
            }
        }

        return new StoredSecrets(values, projectRoot);
    }

    /// <summary>
    /// A lookup of secrets for a command: the store named by <paramref name="storeLocation"/> (see
    /// <see cref="MetadataStore.Open"/>) is opened on the first secret asked for and never when none is, so commands
    /// over projects without secret references pay nothing for them.
    /// </summary>
    /// <exception cref="NagareException">(from the lookup) The store cannot be read or the secret cannot be opened.</exception>
    public static Func<string, string?> OnDemand(string? storeLocation, string projectRoot)
    {
        ArgumentNullException.ThrowIfNull(projectRoot);
        var secrets = new Lazy<StoredSecrets>(() => ReadOnce(storeLocation, projectRoot));
        return name => secrets.Value.Find(name);
    }

    /// <summary>The plaintext of secret <paramref name="name"/>, or null when the store has none of that name.</summary>
    /// <exception cref="NagareException">The key is missing or not the one that sealed it.</exception>
    public string? Find(string name) => sealedValues.TryGetValue(name, out var value) ? box.Value.Open(name, value) : null;

    /// <summary>Whether the store holds a secret named <paramref name="name"/> (without opening it).</summary>
    public bool Contains(string name) => sealedValues.ContainsKey(name);

    private static StoredSecrets ReadOnce(string? storeLocation, string projectRoot)
    {
        var root = Path.GetFullPath(projectRoot);
        if (string.IsNullOrWhiteSpace(storeLocation) && !File.Exists(Path.Combine(root, MetadataStore.DefaultPath)))
        {
            // No store yet, so no secrets: do not create one just to find that out.
            return new StoredSecrets(new Dictionary<string, byte[]>(), root);
        }

        // The loader is synchronous and runs once per command, in a console app without a synchronization context.
        return Task.Run(async () =>
        {
            var store = MetadataStore.Open(storeLocation, root);
            await using (store.ConfigureAwait(false))
            {
                try
                {
                    await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
                    return await ReadAsync(store, root, CancellationToken.None).ConfigureAwait(false);
                }
                catch (System.Data.Common.DbException e)
                {
                    throw new NagareException($"Cannot read secrets from the metadata store {store.Display}: {e.Message}", e);
                }
            }
        }).GetAwaiter().GetResult();
    }
}
