using System.Buffers;
using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Nagare.Core;
using Nagare.Core.Json;
using Nagare.Runtime.Access;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>Users, roles, API tokens, sessions, the audit log and sealed secrets.</summary>
public abstract partial class MetadataStore
{
    private const string UserColumns = "id, name, role, disabled, created_at, version, password_change_required";

    private const string TokenColumns = "id, name, user_id, prefix, scopes, created_at, expires_at, revoked_at, last_used_at";

    /// <summary>How long a token's last use is left as it is: most requests then write nothing.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>Creates a user of role <paramref name="role"/>.</summary>
    /// <param name="name">The user's name, unique (case-sensitive).</param>
    /// <param name="role">The name of an existing role.</param>
    /// <param name="passwordHash">The password's hash (<see cref="Passwords.Hash"/>).</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="passwordChangeRequired">True when the password was chosen for the user, who is to replace it (<see cref="UserRecord.PasswordChangeRequired"/>).</param>
    /// <exception cref="NagareException">A user of that name exists, or the role does not.</exception>
    public Task<UserRecord> CreateUserAsync(string name, string role, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken, bool passwordChangeRequired = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentNullException.ThrowIfNull(passwordHash);
        return WriteAsync(async (c, tx) =>
        {
            await RequireRoleAsync(c, tx, role, cancellationToken).ConfigureAwait(false);
            // ON CONFLICT rather than a look first: two processes creating the same name cannot both pass.
            var users = await QueryAsync(c, tx, $"""
                INSERT INTO users (name, role, password_hash, disabled, created_at, version, password_change_required) VALUES (@n, @r, @h, 0, @at, 1, @pcr)
                ON CONFLICT (name) DO NOTHING RETURNING {UserColumns}
                """, ReadUser, cancellationToken, ("n", name), ("r", role), ("h", passwordHash), ("at", Ms(at)), ("pcr", passwordChangeRequired)).ConfigureAwait(false);
            return users.Count == 1 ? users[0] : throw new NagareException($"A user named '{name}' exists already.");
        }, cancellationToken);
    }

    /// <summary>The user named <paramref name="name"/> (case-sensitive), or null.</summary>
    public Task<UserRecord?> FindUserAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await QueryAsync(c, null, $"SELECT {UserColumns} FROM users WHERE name = @n", ReadUser, cancellationToken, ("n", name)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <summary>The user <paramref name="id"/>, or null.</summary>
    public Task<UserRecord?> GetUserAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await QueryAsync(c, null, $"SELECT {UserColumns} FROM users WHERE id = @id", ReadUser, cancellationToken, ("id", id)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <summary>Every user, by name.</summary>
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<UserRecord>>(async c => await QueryAsync(c, null, $"SELECT {UserColumns} FROM users ORDER BY name", ReadUser, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>How many users there are (none: the server offers to create the first admin).</summary>
    public Task<long> CountUsersAsync(CancellationToken cancellationToken) =>
        ReadAsync(async c => Convert.ToInt64(await ScalarAsync(c, null, "SELECT COUNT(*) FROM users", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>The password hash of user <paramref name="userId"/>, or null when there is no such user or it has no password.</summary>
    public Task<string?> GetPasswordHashAsync(long userId, CancellationToken cancellationToken) =>
        ReadAsync(async c => (string?)await ScalarAsync(c, null, "SELECT password_hash FROM users WHERE id = @id", cancellationToken, ("id", userId)).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// Changes a user's role, disabled flag, password hash or whether it is to change its password (null: left as it
    /// is); the user as changed, with its version incremented, or null when there is no such user.
    /// </summary>
    /// <param name="id">The user.</param>
    /// <param name="expectedVersion">The version the caller saw.</param>
    /// <param name="role">The new role (an existing one), or null.</param>
    /// <param name="disabled">The new disabled flag, or null.</param>
    /// <param name="passwordHash">The new password hash, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="passwordChangeRequired">The new <see cref="UserRecord.PasswordChangeRequired"/>, or null.</param>
    /// <exception cref="VersionConflictException">The user's version is no longer <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="NagareException">The role does not exist.</exception>
    public Task<UserRecord?> UpdateUserAsync(long id, long expectedVersion, string? role, bool? disabled, string? passwordHash, CancellationToken cancellationToken, bool? passwordChangeRequired = null) =>
        WriteAsync(async (c, tx) =>
        {
            if (role is not null)
            {
                await RequireRoleAsync(c, tx, role, cancellationToken).ConfigureAwait(false);
            }

            // The version check is in the UPDATE itself, so a concurrent change cannot slip between a look and the write.
            var users = await QueryAsync(c, tx, $"""
                UPDATE users SET role = COALESCE(CAST(@r AS TEXT), role), disabled = COALESCE(CAST(@d AS INT), disabled),
                    password_hash = COALESCE(CAST(@h AS TEXT), password_hash),
                    password_change_required = COALESCE(CAST(@pcr AS INT), password_change_required), version = version + 1
                WHERE id = @id AND version = @v RETURNING {UserColumns}
                """, ReadUser, cancellationToken, ("r", role), ("d", disabled), ("h", passwordHash), ("pcr", passwordChangeRequired), ("id", id), ("v", expectedVersion)).ConfigureAwait(false);
            if (users.Count == 1)
            {
                return users[0];
            }

            var current = await ScalarAsync(c, tx, "SELECT version FROM users WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
            return current is null ? (UserRecord?)null
                : throw new VersionConflictException($"User {id.ToString(CultureInfo.InvariantCulture)} was changed by someone else (version {Convert.ToInt64(current, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}, not {expectedVersion.ToString(CultureInfo.InvariantCulture)}); load it again.");
        }, cancellationToken);

    /// <summary>Deletes a user with its tokens and sessions; false when there is no such user.</summary>
    public Task<bool> DeleteUserAsync(long id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            await ExecuteAsync(c, tx, "DELETE FROM tokens WHERE user_id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, "DELETE FROM sessions WHERE user_id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
            return await ExecuteAsync(c, tx, "DELETE FROM users WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <summary>Every role, by name.</summary>
    public Task<IReadOnlyList<RoleRecord>> ListRolesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RoleRecord>>(async c => await QueryAsync(c, null, "SELECT name, level, grants, description, builtin, version, protections FROM roles ORDER BY name", ReadRole, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>The role named <paramref name="name"/>, or null.</summary>
    public Task<RoleRecord?> GetRoleAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await QueryAsync(c, null, "SELECT name, level, grants, description, builtin, version, protections FROM roles WHERE name = @n", ReadRole, cancellationToken, ("n", name)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <summary>
    /// Creates a role (<paramref name="expectedVersion"/> null) or changes its level, grants and description (the
    /// version the caller saw); the role as stored, its version incremented. <see cref="RoleRecord.Builtin"/> and
    /// <see cref="RoleRecord.Version"/> of <paramref name="role"/> are ignored: only the store sets them.
    /// </summary>
    /// <exception cref="NagareException">Creating a role that exists, changing one that does not, or a grant pattern that is not valid.</exception>
    /// <exception cref="VersionConflictException">The role's version is no longer <paramref name="expectedVersion"/>.</exception>
    public Task<RoleRecord> PutRoleAsync(RoleRecord role, long? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(role.Name);
        var grants = role.Grants.IsDefault ? [] : role.Grants;
        foreach (var grant in grants)
        {
            Grants.CheckPattern(grant.Pattern);
        }

        var level = role.Level.ToString().ToLowerInvariant();
        var grantsJson = WriteGrants(grants);
        var protections = JsonSerializer.Serialize(new StoredProtections([.. role.Masks.IsDefault ? [] : role.Masks], [.. role.RowFilters.IsDefault ? [] : role.RowFilters]), ProtectionsJson);
        return WriteAsync(async (c, tx) =>
        {
            List<RoleRecord> rows;
            if (expectedVersion is not { } version)
            {
                rows = await QueryAsync(c, tx, """
                    INSERT INTO roles (name, level, grants, description, builtin, version, protections) VALUES (@n, @l, @g, @d, 0, 1, @p)
                    ON CONFLICT (name) DO NOTHING RETURNING name, level, grants, description, builtin, version, protections
                    """, ReadRole, cancellationToken, ("n", role.Name), ("l", level), ("g", grantsJson), ("d", role.Description), ("p", protections)).ConfigureAwait(false);
                return rows.Count == 1 ? rows[0] : throw new NagareException($"A role named '{role.Name}' exists already.");
            }

            rows = await QueryAsync(c, tx, """
                UPDATE roles SET level = @l, grants = @g, description = @d, protections = @p, version = version + 1 WHERE name = @n AND version = @v
                RETURNING name, level, grants, description, builtin, version, protections
                """, ReadRole, cancellationToken, ("n", role.Name), ("l", level), ("g", grantsJson), ("d", role.Description), ("p", protections), ("v", version)).ConfigureAwait(false);
            if (rows.Count == 1)
            {
                return rows[0];
            }

            var current = await ScalarAsync(c, tx, "SELECT version FROM roles WHERE name = @n", cancellationToken, ("n", role.Name)).ConfigureAwait(false);
            throw current is null
                ? new NagareException($"There is no role named '{role.Name}'.")
                : new VersionConflictException($"Role '{role.Name}' was changed by someone else (version {Convert.ToInt64(current, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}, not {version.ToString(CultureInfo.InvariantCulture)}); load it again.");
        }, cancellationToken);
    }

    /// <summary>Deletes a role; false when there is no such role.</summary>
    /// <exception cref="NagareException">The role is built in, or users still hold it.</exception>
    public Task<bool> DeleteRoleAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var builtin = await ScalarAsync(c, tx, "SELECT builtin FROM roles WHERE name = @n", cancellationToken, ("n", name)).ConfigureAwait(false);
            if (builtin is null)
            {
                return false;
            }

            if (Convert.ToInt64(builtin, CultureInfo.InvariantCulture) != 0)
            {
                throw new NagareException($"Role '{name}' is built in and cannot be deleted; change its grants instead.");
            }

            var holders = Convert.ToInt64(await ScalarAsync(c, tx, "SELECT COUNT(*) FROM users WHERE role = @n", cancellationToken, ("n", name)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (holders > 0)
            {
                throw new NagareException($"Role '{name}' is held by {holders.ToString(CultureInfo.InvariantCulture)} user{(holders == 1 ? string.Empty : "s")}; give {(holders == 1 ? "that user" : "them")} another role first.");
            }

            return await ExecuteAsync(c, tx, "DELETE FROM roles WHERE name = @n", cancellationToken, ("n", name)).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <summary>Records an API token of user <paramref name="userId"/> by the hash of its secret (<see cref="ApiTokens"/>).</summary>
    /// <param name="userId">The user it acts as.</param>
    /// <param name="name">What its owner calls it.</param>
    /// <param name="prefix">Its first characters, to recognise it in lists.</param>
    /// <param name="hash">The hash of the whole token (<see cref="ApiTokens.HashOf"/>); the token itself is never stored.</param>
    /// <param name="scopes">Empty for all its user may do, else what it is limited to.</param>
    /// <param name="at">When.</param>
    /// <param name="expiresAt">When it stops working, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <exception cref="NagareException">There is no such user.</exception>
    public Task<TokenRecord> CreateTokenAsync(long userId, string name, string prefix, string hash, ImmutableArray<string> scopes, DateTimeOffset at, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(hash);
        scopes = scopes.IsDefault ? [] : scopes;
        var scopesJson = JsonSerializer.Serialize(scopes.ToArray(), JsonFormat.Serializer);
        return WriteAsync(async (c, tx) =>
        {
            if (await ScalarAsync(c, tx, "SELECT id FROM users WHERE id = @u", cancellationToken, ("u", userId)).ConfigureAwait(false) is null)
            {
                throw new NagareException($"There is no user {userId.ToString(CultureInfo.InvariantCulture)} to give a token.");
            }

            var tokens = await QueryAsync(c, tx, $"""
                INSERT INTO tokens (name, user_id, prefix, hash, scopes, created_at, expires_at) VALUES (@n, @u, @p, @h, @s, @at, @exp)
                RETURNING {TokenColumns}
                """, ReadToken, cancellationToken, ("n", name), ("u", userId), ("p", prefix), ("h", hash), ("s", scopesJson), ("at", Ms(at)), ("exp", expiresAt is { } e ? Ms(e) : (long?)null)).ConfigureAwait(false);
            return tokens[0];
        }, cancellationToken);
    }

    /// <summary>
    /// The token whose secret hashes to <paramref name="hash"/> with its user, or null. Revoked and expired tokens and
    /// disabled users are returned as they are: the caller checks <see cref="TokenRecord.RevokedAt"/>,
    /// <see cref="TokenRecord.ExpiresAt"/> and <see cref="UserRecord.Disabled"/> against its own clock.
    /// </summary>
    public Task<(TokenRecord Token, UserRecord User)?> FindTokenAsync(string hash, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var rows = await QueryAsync(c, null, """
                SELECT t.id, t.name, t.user_id, t.prefix, t.scopes, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
                       u.id, u.name, u.role, u.disabled, u.created_at, u.version, u.password_change_required
                FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = @h
                """, r => (ReadToken(r), ReadUser(r, 9)), cancellationToken, ("h", hash)).ConfigureAwait(false);
            return rows.Count == 0 ? ((TokenRecord, UserRecord)?)null : rows[0];
        }, cancellationToken);

    /// <summary>
    /// Records that token <paramref name="id"/> was used at <paramref name="at"/>, when its last recorded use is a
    /// minute older or more (so a busy token costs one write a minute, not one per request); true when it wrote.
    /// </summary>
    public async Task<bool> TouchTokenAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var threshold = Ms(at - TouchInterval);
        // A read first: a write transaction takes SQLite's one write lock even when it changes nothing.
        var stale = await ReadAsync(async c => await ScalarAsync(c, null, "SELECT 1 FROM tokens WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @before)", cancellationToken, ("id", id), ("before", threshold)).ConfigureAwait(false) is not null, cancellationToken).ConfigureAwait(false);
        return stale && await WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @before)", cancellationToken, ("at", Ms(at)), ("id", id), ("before", threshold)).ConfigureAwait(false) == 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tokens of user <paramref name="userId"/>, or of everyone (null), oldest first, revoked ones included.</summary>
    public Task<IReadOnlyList<TokenRecord>> ListTokensAsync(long? userId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<TokenRecord>>(async c => await QueryAsync(c, null, $"SELECT {TokenColumns} FROM tokens WHERE CAST(@u AS BIGINT) IS NULL OR user_id = @u ORDER BY id", ReadToken, cancellationToken, ("u", userId)).ConfigureAwait(false), cancellationToken);

    /// <summary>Revokes a token at <paramref name="at"/> (a token revoked before keeps its first revocation time); false when there is no such token.</summary>
    public Task<bool> RevokeTokenAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE tokens SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id", cancellationToken, ("at", Ms(at)), ("id", id)).ConfigureAwait(false) == 1, cancellationToken);

    /// <summary>Records a browser session by the hash of its id (<see cref="ApiTokens.HashOf"/>), and drops sessions expired by <paramref name="at"/>.</summary>
    public Task CreateSessionAsync(string hash, long userId, DateTimeOffset at, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hash);
        return WriteAsync(async (c, tx) =>
        {
            await ExecuteAsync(c, tx, "DELETE FROM sessions WHERE expires_at <= @at", cancellationToken, ("at", Ms(at))).ConfigureAwait(false);
            return await ExecuteAsync(c, tx, "INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (@h, @u, @at, @exp)", cancellationToken, ("h", hash), ("u", userId), ("at", Ms(at)), ("exp", Ms(expiresAt))).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>The user of the session whose id hashes to <paramref name="hash"/>, or null when there is none, it expired by <paramref name="now"/>, or the user is disabled.</summary>
    public Task<UserRecord?> FindSessionAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(async c => (await QueryAsync(c, null, """
            SELECT u.id, u.name, u.role, u.disabled, u.created_at, u.version, u.password_change_required
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = @h AND s.expires_at > @now AND u.disabled = 0
            """, ReadUser, cancellationToken, ("h", hash), ("now", Ms(now))).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <summary>Ends a session (signing out); false when there was none.</summary>
    public Task<bool> DeleteSessionAsync(string hash, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "DELETE FROM sessions WHERE hash = @h", cancellationToken, ("h", hash)).ConfigureAwait(false) == 1, cancellationToken);

    /// <summary>Appends lines to the audit log in one transaction (their <see cref="AuditEntry.Id"/> is ignored).</summary>
    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? Task.CompletedTask : WriteAsync(async (c, tx) =>
        {
            await InsertRowsAsync(c, tx, "audit", ["at", "actor", "action", "target", "outcome", "detail", "address"],
                entries.Select(e => new object?[] { Ms(e.At), e.Actor, e.Action, e.Target, e.Outcome, e.Detail, e.Address }), cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Audit lines, newest first: of one actor and action when given, before id <see cref="AuditFilter.BeforeId"/> for the next page.</summary>
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync<IReadOnlyList<AuditEntry>>(async c => await QueryAsync(c, null, """
            SELECT id, at, actor, action, target, outcome, detail, address FROM audit
            WHERE (CAST(@actor AS TEXT) IS NULL OR actor = @actor) AND (CAST(@action AS TEXT) IS NULL OR action = @action) AND (CAST(@before AS BIGINT) IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """, r => new AuditEntry(Long(r, 0), Time(Long(r, 1)), NullableString(r, 2), r.GetString(3), NullableString(r, 4), r.GetString(5), NullableString(r, 6), NullableString(r, 7)),
            cancellationToken, ("actor", filter.Actor), ("action", filter.Action), ("before", filter.BeforeId), ("limit", Math.Clamp(filter.Limit, 1, 10_000))).ConfigureAwait(false), cancellationToken);
    }

    /// <summary>Stores a sealed secret (<see cref="SecretBox.Seal"/>) under <paramref name="name"/>, replacing one of that name.</summary>
    public Task PutSecretAsync(string name, byte[] sealedValue, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sealedValue);
        return WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, """
            INSERT INTO secrets (name, sealed, updated_at) VALUES (@n, @s, @at)
            ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at
            """, cancellationToken, ("n", name), ("s", Convert.ToBase64String(sealedValue)), ("at", Ms(at))).ConfigureAwait(false), cancellationToken);
    }

    /// <summary>The sealed secret named <paramref name="name"/>, or null.</summary>
    public Task<byte[]?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(async c => await ScalarAsync(c, null, "SELECT sealed FROM secrets WHERE name = @n", cancellationToken, ("n", name)).ConfigureAwait(false) is string text ? Convert.FromBase64String(text) : null, cancellationToken);

    /// <summary>The names of the stored secrets, sorted.</summary>
    public Task<IReadOnlyList<string>> ListSecretNamesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>(async c => await QueryAsync(c, null, "SELECT name FROM secrets ORDER BY name", r => r.GetString(0), cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>Deletes a secret; false when there was none.</summary>
    public Task<bool> DeleteSecretAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "DELETE FROM secrets WHERE name = @n", cancellationToken, ("n", name)).ConfigureAwait(false) == 1, cancellationToken);

    private static async Task RequireRoleAsync(DbConnection c, DbTransaction tx, string role, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(c, tx, "SELECT name FROM roles WHERE name = @n", cancellationToken, ("n", role)).ConfigureAwait(false) is null)
        {
            throw new NagareException($"There is no role named '{role}'.");
        }
    }

    private static UserRecord ReadUser(DbDataReader r) => ReadUser(r, 0);

    private static UserRecord ReadUser(DbDataReader r, int at) =>
        new(Long(r, at), r.GetString(at + 1), r.GetString(at + 2), Long(r, at + 3) != 0, Time(Long(r, at + 4)), Long(r, at + 5), Long(r, at + 6) != 0);

    private static RoleRecord ReadRole(DbDataReader r)
    {
        var protections = JsonSerializer.Deserialize<StoredProtections>(r.GetString(6), ProtectionsJson);
        return new(r.GetString(0), Enum.Parse<RoleLevel>(r.GetString(1), ignoreCase: true), ReadGrants(r.GetString(2)), NullableString(r, 3), Long(r, 4) != 0, Long(r, 5))
        {
            Masks = [.. protections?.Masks ?? []],
            RowFilters = [.. protections?.RowFilters ?? []],
        };
    }

    /// <summary>Masks and row filters as stored: <c>{"masks":[{"table":"dwh.customers","column":"email","with":"hash"}],"row_filters":[…]}</c>.</summary>
    private sealed record StoredProtections(IReadOnlyList<ColumnMask>? Masks, IReadOnlyList<RowFilter>? RowFilters);

    private static readonly JsonSerializerOptions ProtectionsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static TokenRecord ReadToken(DbDataReader r) =>
        new(Long(r, 0), r.GetString(1), Long(r, 2), r.GetString(3), [.. JsonSerializer.Deserialize<string[]>(r.GetString(4), JsonFormat.Serializer) ?? []],
            Time(Long(r, 5)), NullableTime(r, 6), NullableTime(r, 7), NullableTime(r, 8));

    /// <summary>Grants as stored: <c>[{"pattern":"mart_*","privilege":"read"}]</c>.</summary>
    private static string WriteGrants(ImmutableArray<DatasetGrant> grants)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            writer.WriteStartArray();
            foreach (var grant in grants)
            {
                writer.WriteStartObject();
                writer.WriteString("pattern", grant.Pattern);
                writer.WriteString("privilege", grant.Privilege.ToString().ToLowerInvariant());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ImmutableArray<DatasetGrant> ReadGrants(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(g => new DatasetGrant(
            g.GetProperty("pattern").GetString() ?? string.Empty,
            Enum.Parse<Privilege>(g.GetProperty("privilege").GetString() ?? nameof(Privilege.None), ignoreCase: true)))];
    }
}
