using System.Collections.Concurrent;
using Nagare.Runtime.Access;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Server.Auth;

namespace Nagare.Server;

/// <summary>What every endpoint of one server shares: the project, the metadata store, the pipelines, the warehouse, the audit log.</summary>
public sealed class ServerContext : IAsyncDisposable
{
    /// <summary>How long a token or role read from the store is trusted before it is read again (changes through this server apply at once).</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, AccessPolicy Policy)> roles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, TokenRecord Token, UserRecord User)?> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, DateTimeOffset> tokenUses = new();

    internal ServerContext(ServerOptions options, string localKey)
    {
        Options = options;
        Pipelines = options.Pipelines;
        LocalKey = localKey;
        Audit = new AuditLog(options.Pipelines.Store, options.Time, options.Log);
        Warehouse = new WarehouseAccess(options.Pipelines.Project.WarehousePath);
        Datasets = new DatasetCatalog(Warehouse, options.Time);
        Discoveries = new DiscoveryCache(options.Time);
        Manifests = new ManifestCache();
        SignIns = new SignInThrottle(options.Time);
    }

    /// <summary>How the server was started.</summary>
    public ServerOptions Options { get; }

    /// <summary>The pipeline service (project, store).</summary>
    public PipelineService Pipelines { get; }

    /// <summary>The project.</summary>
    public ProjectConfig Project => Pipelines.Project;

    /// <summary>The metadata store.</summary>
    public MetadataStore Store => Pipelines.Store;

    /// <summary>The clock.</summary>
    public TimeProvider Time => Options.Time;

    /// <summary>The audit log.</summary>
    public AuditLog Audit { get; }

    /// <summary>The warehouse this server owns.</summary>
    public WarehouseAccess Warehouse { get; }

    /// <summary>The warehouse's datasets, read at most once a second.</summary>
    public DatasetCatalog Datasets { get; }

    /// <summary>The project's models compiled, shared until a project file changes.</summary>
    public ManifestCache Manifests { get; }

    /// <summary>Discovered streams kept for paging through a listing.</summary>
    public DiscoveryCache Discoveries { get; }

    /// <summary>Failed sign-ins, to slow password guessing.</summary>
    public SignInThrottle SignIns { get; }

    /// <summary>The key the command line on this machine signs in with (admin), from <c>.nagare/server.json</c>.</summary>
    internal string LocalKey { get; }

    /// <summary>The policy of role <paramref name="role"/>; a role that no longer exists gives nothing (viewer level, no datasets).</summary>
    public async Task<AccessPolicy> PolicyAsync(string role, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        if (roles.TryGetValue(role, out var cached) && now - cached.At < CacheFor)
        {
            return cached.Policy;
        }

        var record = await Store.GetRoleAsync(role, cancellationToken).ConfigureAwait(false) ?? new RoleRecord(role, RoleLevel.Viewer, []);
        var policy = new AccessPolicy(record);
        roles[role] = (now, policy);
        return policy;
    }

    /// <summary>The token whose secret is <paramref name="secret"/> and its user, when it exists (revoked and expired ones too: the caller decides).</summary>
    public async Task<(TokenRecord Token, UserRecord User)?> FindTokenAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiTokens.HashOf(secret);
        var now = Time.GetUtcNow();
        if (tokens.TryGetValue(hash, out var cached) && cached is { } hit && now - hit.At < CacheFor)
        {
            return (hit.Token, hit.User);
        }

        var found = await Store.FindTokenAsync(hash, cancellationToken).ConfigureAwait(false);
        tokens[hash] = found is { } f ? (now, f.Token, f.User) : null;
        return found;
    }

    /// <summary>True when <paramref name="tokenId"/> was not used in the last minute (and marks it used now): token use is written once a minute.</summary>
    internal bool FirstUseThisMinute(long tokenId)
    {
        var now = Time.GetUtcNow();
        var last = tokenUses.GetOrAdd(tokenId, DateTimeOffset.MinValue);
        return now - last >= TimeSpan.FromMinutes(1) && tokenUses.TryUpdate(tokenId, now, last);
    }

    /// <summary>Held while a project file is changed through this server and the project read again: one change at a time.</summary>
    internal SemaphoreSlim ProjectWrites { get; } = new(1, 1);

    /// <summary>
    /// Reads the project's files again, with the store's secrets for <c>${secret:…}</c>, and has every user of the
    /// project take the new one (<see cref="PipelineService.Reload"/>: this context's <see cref="Project"/> is the
    /// pipeline service's, so endpoints, the scheduler and tasks claimed from now on see the same project).
    /// </summary>
    /// <exception cref="ConfigException">nagare.yml has become invalid; the project in use stays as it was.</exception>
    public Task<ProjectConfig> ReloadProjectAsync(CancellationToken cancellationToken) => Pipelines.ReloadFromFilesAsync(cancellationToken);

    /// <summary>Reads the project's files again after someone edited them by hand, one change at a time with those made through this server.</summary>
    /// <exception cref="ConfigException">nagare.yml has become invalid; the project in use stays as it was.</exception>
    public async Task ReloadEditedFilesAsync(CancellationToken cancellationToken)
    {
        await ProjectWrites.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReloadProjectAsync(cancellationToken).ConfigureAwait(false);
            Discoveries.ForgetAll();
        }
        finally
        {
            ProjectWrites.Release();
        }
    }

    /// <summary>Forgets cached roles and tokens after a change through this server.</summary>
    public void Forget()
    {
        roles.Clear();
        tokens.Clear();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Audit.DisposeAsync().ConfigureAwait(false);
        Datasets.Dispose();
        Warehouse.Dispose();
        ProjectWrites.Dispose();
    }
}
