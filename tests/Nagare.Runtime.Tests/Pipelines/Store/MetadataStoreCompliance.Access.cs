using Nagare.Core;
using Nagare.Runtime.Access;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Tests.Pipelines.Store;

/// <summary>The access facts every store must keep: users, roles, tokens, sessions, the audit log and sealed secrets.</summary>
public abstract partial class MetadataStoreCompliance
{
    [Fact]
    public async Task CreateUser_ThenFind_ReturnsTheUserAndItsHashOnlyThroughGetPasswordHash()
    {
        var store = await OpenAsync();
        Assert.Equal(0, await store.CountUsersAsync(None));

        var created = await store.CreateUserAsync("alice", "analyst", "hash-a", T0, None);

        Assert.Equal(new UserRecord(created.Id, "alice", "analyst", false, T0, 1), created);
        Assert.Equal(created, await store.FindUserAsync("alice", None));
        Assert.Null(await store.FindUserAsync("Alice", None));
        Assert.Equal(created, await store.GetUserAsync(created.Id, None));
        Assert.Null(await store.GetUserAsync(created.Id + 100, None));
        Assert.Equal("hash-a", await store.GetPasswordHashAsync(created.Id, None));
        Assert.Null(await store.GetPasswordHashAsync(created.Id + 100, None));
        Assert.Equal(1, await store.CountUsersAsync(None));
    }

    [Fact]
    public async Task CreateUser_NameTaken_FailsSayingItExists()
    {
        var store = await OpenAsync();
        await store.CreateUserAsync("alice", "analyst", "h", T0, None);

        var error = await Assert.ThrowsAsync<NagareException>(() => store.CreateUserAsync("alice", "viewer", "h2", T0, None));

        Assert.Equal("A user named 'alice' exists already.", error.Message);
        Assert.Equal("analyst", (await store.FindUserAsync("alice", None))!.Role);
    }

    [Fact]
    public async Task CreateUser_UnknownRole_FailsNamingTheRole()
    {
        var store = await OpenAsync();

        var error = await Assert.ThrowsAsync<NagareException>(() => store.CreateUserAsync("bob", "wizard", "h", T0, None));

        Assert.Contains("'wizard'", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.FindUserAsync("bob", None));
    }

    [Fact]
    public async Task ListUsers_SeveralUsers_SortedByName()
    {
        var store = await OpenAsync();
        await store.CreateUserAsync("carol", "viewer", "h", T0, None);
        await store.CreateUserAsync("alice", "admin", "h", T0, None);
        await store.CreateUserAsync("bob", "editor", "h", T0, None);

        Assert.Equal(["alice", "bob", "carol"], (await store.ListUsersAsync(None)).Select(u => u.Name));
        Assert.Equal(3, await store.CountUsersAsync(None));
    }

    [Fact]
    public async Task UpdateUser_CurrentVersion_ChangesOnlyGivenFieldsAndIncrementsVersion()
    {
        var store = await OpenAsync();
        var user = await store.CreateUserAsync("alice", "analyst", "old", T0, None);

        var disabled = await store.UpdateUserAsync(user.Id, user.Version, null, true, null, None);
        Assert.Equal(user with { Disabled = true, Version = 2 }, disabled);
        Assert.Equal("old", await store.GetPasswordHashAsync(user.Id, None));

        var changed = await store.UpdateUserAsync(user.Id, 2, "editor", false, "new", None);
        Assert.Equal(user with { Role = "editor", Version = 3 }, changed);
        Assert.Equal("new", await store.GetPasswordHashAsync(user.Id, None));
        Assert.Equal(changed, await store.GetUserAsync(user.Id, None));
    }

    [Fact]
    public async Task PasswordChangeRequired_SetWhenMade_KeptByOtherChanges_ClearedWhenTheUserChoosesOne()
    {
        var store = await OpenAsync();
        var user = await store.CreateUserAsync("alice", "analyst", "chosen-for-her", T0, None, passwordChangeRequired: true);
        Assert.Equal(new UserRecord(user.Id, "alice", "analyst", false, T0, 1, true), user);
        await store.CreateSessionAsync("session-hash", user.Id, T0, T0 + TimeSpan.FromHours(1), None);
        var (secret, prefix, hash) = ApiTokens.New();
        await store.CreateTokenAsync(user.Id, "ci", prefix, hash, [], T0, null, None);

        var renamed = await store.UpdateUserAsync(user.Id, 1, "viewer", null, null, None);
        Assert.NotNull(renamed);
        Assert.Equal(user with { Role = "viewer", Version = 2 }, renamed);
        Assert.Equal(renamed, await store.FindSessionAsync("session-hash", T0, None));
        Assert.Equal(renamed, (await store.FindTokenAsync(ApiTokens.HashOf(secret), None))!.Value.User);

        var chosen = await store.UpdateUserAsync(user.Id, 2, null, null, "her-own", None, passwordChangeRequired: false);
        Assert.Equal(renamed with { Version = 3, PasswordChangeRequired = false }, chosen);
        Assert.Equal(chosen, await store.FindUserAsync("alice", None));
        Assert.Equal(chosen, Assert.Single(await store.ListUsersAsync(None)));
        Assert.Equal("her-own", await store.GetPasswordHashAsync(user.Id, None));

        Assert.True((await store.UpdateUserAsync(user.Id, 3, null, null, "reset", None, passwordChangeRequired: true))!.PasswordChangeRequired);
    }

    [Fact]
    public async Task Migrate_UsersMadeBeforeTheChangeRequest_StartWithoutOne()
    {
        var store = await OpenAsync();
        await SqlAsync("CREATE TABLE nagare_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)");
        foreach (var (version, sql) in StoreMigrations.All.Where(m => m.Version <= 2))
        {
            foreach (var statement in sql.Replace("{id}", store.Dialect.AutoId, StringComparison.Ordinal).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await SqlAsync(statement);
            }

            await SqlAsync($"INSERT INTO nagare_migrations (version, applied_at) VALUES ({version}, 0)");
        }

        await SqlAsync("INSERT INTO users (name, role, password_hash, created_at) VALUES ('old', 'viewer', 'h', 0)");

        await store.MigrateAsync(None);

        var old = await store.FindUserAsync("old", None);
        Assert.Equal(new UserRecord(old!.Id, "old", "viewer", false, DateTimeOffset.UnixEpoch, 1, false), old);
    }

    [Fact]
    public async Task UpdateUser_OlderVersion_ThrowsConflictAndChangesNothing()
    {
        var store = await OpenAsync();
        var user = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        await store.UpdateUserAsync(user.Id, 1, "viewer", null, null, None);

        await Assert.ThrowsAsync<VersionConflictException>(() => store.UpdateUserAsync(user.Id, 1, "admin", null, null, None));

        Assert.Equal(user with { Role = "viewer", Version = 2 }, await store.GetUserAsync(user.Id, None));
    }

    [Fact]
    public async Task UpdateUser_NoSuchUserOrUnknownRole_NullOrNamedError()
    {
        var store = await OpenAsync();
        var user = await store.CreateUserAsync("alice", "analyst", "h", T0, None);

        Assert.Null(await store.UpdateUserAsync(user.Id + 100, 1, null, true, null, None));
        var error = await Assert.ThrowsAsync<NagareException>(() => store.UpdateUserAsync(user.Id, 1, "wizard", null, null, None));
        Assert.Contains("'wizard'", error.Message, StringComparison.Ordinal);
        Assert.Equal(user, await store.GetUserAsync(user.Id, None));
    }

    [Fact]
    public async Task DeleteUser_WithTokensAndSessions_DeletesThemToo()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        var bob = await store.CreateUserAsync("bob", "analyst", "h", T0, None);
        await store.CreateTokenAsync(alice.Id, "ci", "ngr_aaaaaaaa", "hash-a", [], T0, null, None);
        await store.CreateTokenAsync(bob.Id, "ci", "ngr_bbbbbbbb", "hash-b", [], T0, null, None);
        await store.CreateSessionAsync("session-a", alice.Id, T0, T0.AddHours(1), None);

        Assert.True(await store.DeleteUserAsync(alice.Id, None));

        Assert.Null(await store.GetUserAsync(alice.Id, None));
        Assert.Null(await store.FindTokenAsync("hash-a", None));
        Assert.Null(await store.FindSessionAsync("session-a", T0, None));
        Assert.Equal(0L, Convert.ToInt64(await SqlAsync("SELECT COUNT(*) FROM sessions"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([bob.Id], (await store.ListTokensAsync(null, None)).Select(t => t.UserId));
        Assert.False(await store.DeleteUserAsync(alice.Id, None));
    }

    [Fact]
    public async Task ListRoles_NewStore_HasTheFourBuiltinRoles()
    {
        var store = await OpenAsync();

        var roles = await store.ListRolesAsync(None);

        Assert.Equal(["admin", "analyst", "editor", "viewer"], roles.Select(r => r.Name));
        Assert.All(roles, r => Assert.True(r.Builtin));
        Assert.Equal((RoleLevel.Admin, new DatasetGrant("*", Privilege.Admin)), (roles[0].Level, Assert.Single(roles[0].Grants)));
        Assert.Equal((RoleLevel.Analyst, new DatasetGrant("*", Privilege.Read)), (roles[1].Level, Assert.Single(roles[1].Grants)));
        Assert.Equal((RoleLevel.Editor, new DatasetGrant("*", Privilege.Write)), (roles[2].Level, Assert.Single(roles[2].Grants)));
        Assert.Equal((RoleLevel.Viewer, new DatasetGrant("mart_*", Privilege.Read)), (roles[3].Level, Assert.Single(roles[3].Grants)));
        var viewer = await store.GetRoleAsync("viewer", None);
        Assert.Equal(roles[3] with { Grants = default }, viewer! with { Grants = default });
        Assert.Equal(roles[3].Grants.ToArray(), viewer.Grants.ToArray());
        Assert.Null(await store.GetRoleAsync("Viewer", None));
    }

    [Fact]
    public async Task PutRole_Create_StoresGrantsVersionOneAndNeverBuiltin()
    {
        var store = await OpenAsync();
        var role = new RoleRecord("finance", RoleLevel.Analyst, [new("fin_*", Privilege.Write), new("fin_secret", Privilege.None)], "Finance team", Builtin: true, Version: 7);

        var created = await store.PutRoleAsync(role, null, None);

        Assert.Equal(("finance", RoleLevel.Analyst, "Finance team", false, 1L), (created.Name, created.Level, created.Description, created.Builtin, created.Version));
        Assert.Equal(role.Grants.ToArray(), created.Grants.ToArray());
        var read = await store.GetRoleAsync("finance", None);
        Assert.Equal(created.Grants.ToArray(), read!.Grants.ToArray());
        Assert.Equal(created with { Grants = default }, read with { Grants = default });
    }

    [Fact]
    public async Task PutRole_CreateExisting_FailsSayingItExists()
    {
        var store = await OpenAsync();

        var error = await Assert.ThrowsAsync<NagareException>(() => store.PutRoleAsync(new RoleRecord("viewer", RoleLevel.Admin, []), null, None));

        Assert.Contains("'viewer' exists already", error.Message, StringComparison.Ordinal);
        Assert.Equal(RoleLevel.Viewer, (await store.GetRoleAsync("viewer", None))!.Level);
    }

    [Fact]
    public async Task PutRole_UpdateCurrentVersion_ChangesLevelGrantsDescriptionKeepsBuiltin()
    {
        var store = await OpenAsync();
        var viewer = (await store.GetRoleAsync("viewer", None))!;

        var updated = await store.PutRoleAsync(viewer with { Level = RoleLevel.Analyst, Grants = [new("mart_*", Privilege.Read), new("dwh_*", Privilege.Read)], Description = null, Builtin = false }, viewer.Version, None);

        Assert.Equal((RoleLevel.Analyst, (string?)null, true, viewer.Version + 1), (updated.Level, updated.Description, updated.Builtin, updated.Version));
        Assert.Equal(["mart_*", "dwh_*"], (await store.GetRoleAsync("viewer", None))!.Grants.Select(g => g.Pattern));
    }

    [Fact]
    public async Task PutRole_UpdateOlderVersion_ThrowsConflictAndChangesNothing()
    {
        var store = await OpenAsync();
        var role = await store.PutRoleAsync(new RoleRecord("finance", RoleLevel.Viewer, [new("fin_*", Privilege.Read)]), null, None);
        await store.PutRoleAsync(role with { Description = "first" }, role.Version, None);

        await Assert.ThrowsAsync<VersionConflictException>(() => store.PutRoleAsync(role with { Level = RoleLevel.Admin }, role.Version, None));

        var current = (await store.GetRoleAsync("finance", None))!;
        Assert.Equal(("first", RoleLevel.Viewer, 2L), (current.Description, current.Level, current.Version));
    }

    [Fact]
    public async Task PutRole_UpdateMissingOrBadPattern_FailsWithoutWriting()
    {
        var store = await OpenAsync();

        var missing = await Assert.ThrowsAsync<NagareException>(() => store.PutRoleAsync(new RoleRecord("ghost", RoleLevel.Viewer, []), 1, None));
        Assert.Contains("'ghost'", missing.Message, StringComparison.Ordinal);
        Assert.IsNotType<VersionConflictException>(missing);
        await Assert.ThrowsAsync<NagareException>(() => store.PutRoleAsync(new RoleRecord("bad", RoleLevel.Viewer, [new("x'; --", Privilege.Read)]), null, None));
        Assert.Null(await store.GetRoleAsync("bad", None));
    }

    [Fact]
    public async Task DeleteRole_BuiltinHeldOrMissing_RefusedOrFalse()
    {
        var store = await OpenAsync();
        await store.PutRoleAsync(new RoleRecord("finance", RoleLevel.Viewer, []), null, None);
        var alice = await store.CreateUserAsync("alice", "finance", "h", T0, None);
        await store.CreateUserAsync("bob", "finance", "h", T0, None);

        var builtin = await Assert.ThrowsAsync<NagareException>(() => store.DeleteRoleAsync("admin", None));
        Assert.Contains("built in", builtin.Message, StringComparison.Ordinal);
        var held = await Assert.ThrowsAsync<NagareException>(() => store.DeleteRoleAsync("finance", None));
        Assert.Contains("held by 2 users", held.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetRoleAsync("finance", None));

        await store.DeleteUserAsync(alice.Id, None);
        var one = await Assert.ThrowsAsync<NagareException>(() => store.DeleteRoleAsync("finance", None));
        Assert.Contains("held by 1 user;", one.Message, StringComparison.Ordinal);

        await store.UpdateUserAsync((await store.FindUserAsync("bob", None))!.Id, 1, "viewer", null, null, None);
        Assert.True(await store.DeleteRoleAsync("finance", None));
        Assert.Null(await store.GetRoleAsync("finance", None));
        Assert.False(await store.DeleteRoleAsync("finance", None));
    }

    [Fact]
    public async Task CreateToken_ThenFind_ReturnsTokenAndUserWithScopesAndExpiry()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);

        var token = await store.CreateTokenAsync(alice.Id, "ci", "ngr_abcdefgh", "hash-1", ["read", "query"], T0, T0.AddDays(30), None);

        Assert.Equal(new TokenRecord(token.Id, "ci", alice.Id, "ngr_abcdefgh", token.Scopes, T0, T0.AddDays(30), null, null), token);
        Assert.Equal(["read", "query"], token.Scopes.ToArray());
        var found = await store.FindTokenAsync("hash-1", None);
        Assert.NotNull(found);
        Assert.Equal(alice, found.Value.User);
        Assert.Equal(token with { Scopes = default }, found.Value.Token with { Scopes = default });
        Assert.Equal(["read", "query"], found.Value.Token.Scopes.ToArray());
        Assert.Null(await store.FindTokenAsync("hash-2", None));
    }

    [Fact]
    public async Task FindToken_ExpiredOrDisabledUser_StillReturnedForTheCallerToCheck()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        await store.CreateTokenAsync(alice.Id, "old", "ngr_abcdefgh", "hash-1", [], T0, T0.AddMinutes(1), None);
        await store.UpdateUserAsync(alice.Id, 1, null, true, null, None);

        var found = await store.FindTokenAsync("hash-1", None);

        Assert.Equal(T0.AddMinutes(1), found!.Value.Token.ExpiresAt);
        Assert.True(found.Value.User.Disabled);
        Assert.Empty(found.Value.Token.Scopes);
    }

    [Fact]
    public async Task CreateToken_NoSuchUserOrHashTaken_Fails()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        await store.CreateTokenAsync(alice.Id, "ci", "ngr_abcdefgh", "hash-1", [], T0, null, None);

        await Assert.ThrowsAsync<NagareException>(() => store.CreateTokenAsync(alice.Id + 100, "ci", "ngr_x", "hash-2", [], T0, null, None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.CreateTokenAsync(alice.Id, "again", "ngr_abcdefgh", "hash-1", [], T0, null, None));
        Assert.Single(await store.ListTokensAsync(null, None));
    }

    [Fact]
    public async Task RevokeToken_Twice_KeepsTheFirstTimeAndMissingIsFalse()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        var token = await store.CreateTokenAsync(alice.Id, "ci", "ngr_abcdefgh", "hash-1", [], T0, null, None);

        Assert.True(await store.RevokeTokenAsync(token.Id, T0.AddHours(1), None));
        Assert.True(await store.RevokeTokenAsync(token.Id, T0.AddHours(2), None));
        Assert.False(await store.RevokeTokenAsync(token.Id + 100, T0, None));

        Assert.Equal(T0.AddHours(1), (await store.FindTokenAsync("hash-1", None))!.Value.Token.RevokedAt);
    }

    [Fact]
    public async Task ListTokens_ByUserOrAll_OldestFirst()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        var bob = await store.CreateUserAsync("bob", "analyst", "h", T0, None);
        var a1 = await store.CreateTokenAsync(alice.Id, "a1", "p", "h1", [], T0, null, None);
        var b1 = await store.CreateTokenAsync(bob.Id, "b1", "p", "h2", [], T0, null, None);
        var a2 = await store.CreateTokenAsync(alice.Id, "a2", "p", "h3", [], T0, null, None);

        Assert.Equal([a1.Id, a2.Id], (await store.ListTokensAsync(alice.Id, None)).Select(t => t.Id));
        Assert.Equal([a1.Id, b1.Id, a2.Id], (await store.ListTokensAsync(null, None)).Select(t => t.Id));
    }

    [Fact]
    public async Task TouchToken_WithinAMinute_WritesOnceThenAgainAfterAMinute()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        var token = await store.CreateTokenAsync(alice.Id, "ci", "ngr_abcdefgh", "hash-1", [], T0, null, None);

        Assert.True(await store.TouchTokenAsync(token.Id, T0.AddSeconds(10), None));
        Assert.False(await store.TouchTokenAsync(token.Id, T0.AddSeconds(40), None));
        Assert.False(await store.TouchTokenAsync(token.Id, T0.AddSeconds(69), None));
        Assert.Equal(T0.AddSeconds(10), (await store.FindTokenAsync("hash-1", None))!.Value.Token.LastUsedAt);

        Assert.True(await store.TouchTokenAsync(token.Id, T0.AddSeconds(75), None));
        Assert.Equal(T0.AddSeconds(75), (await store.ListTokensAsync(alice.Id, None))[0].LastUsedAt);
        Assert.False(await store.TouchTokenAsync(token.Id + 100, T0, None));
    }

    [Fact]
    public async Task FindSession_BeforeAndAfterExpiry_UserThenNull()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        await store.CreateSessionAsync("s1", alice.Id, T0, T0.AddHours(1), None);

        Assert.Equal(alice, await store.FindSessionAsync("s1", T0.AddMinutes(59), None));
        Assert.Null(await store.FindSessionAsync("s1", T0.AddHours(1), None));
        Assert.Null(await store.FindSessionAsync("s2", T0, None));
    }

    [Fact]
    public async Task FindSession_DisabledUserOrDeletedSession_Null()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        var bob = await store.CreateUserAsync("bob", "analyst", "h", T0, None);
        await store.CreateSessionAsync("sa", alice.Id, T0, T0.AddHours(1), None);
        await store.CreateSessionAsync("sb", bob.Id, T0, T0.AddHours(1), None);

        await store.UpdateUserAsync(alice.Id, 1, null, true, null, None);
        Assert.True(await store.DeleteSessionAsync("sb", None));

        Assert.Null(await store.FindSessionAsync("sa", T0, None));
        Assert.Null(await store.FindSessionAsync("sb", T0, None));
        Assert.False(await store.DeleteSessionAsync("sb", None));
    }

    [Fact]
    public async Task CreateSession_Later_DropsExpiredSessions()
    {
        var store = await OpenAsync();
        var alice = await store.CreateUserAsync("alice", "analyst", "h", T0, None);
        await store.CreateSessionAsync("old", alice.Id, T0, T0.AddHours(1), None);

        await store.CreateSessionAsync("new", alice.Id, T0.AddHours(2), T0.AddHours(3), None);

        Assert.Equal(1L, Convert.ToInt64(await SqlAsync("SELECT COUNT(*) FROM sessions"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(alice, await store.FindSessionAsync("new", T0.AddHours(2), None));
    }

    [Fact]
    public async Task ListAudit_PagesNewestFirstAndFilters()
    {
        var store = await OpenAsync();
        var entries = Enumerable.Range(0, 25).Select(i => new AuditEntry(0, T0.AddSeconds(i), i % 2 == 0 ? "alice" : null, i % 3 == 0 ? "query" : "sign-in", "t" + i, i % 5 == 0 ? "denied" : "allowed", i % 5 == 0 ? "no grant" : null, "10.0.0." + i)).ToArray();
        await store.AppendAuditAsync(entries[..20], None);
        await store.AppendAuditAsync(entries[20..], None);
        await store.AppendAuditAsync([], None);

        var first = await store.ListAuditAsync(new AuditFilter(Limit: 10), None);
        Assert.Equal(Enumerable.Range(15, 10).Reverse().Select(i => "t" + i), first.Select(e => e.Target));
        Assert.Equal(entries[24] with { Id = first[0].Id }, first[0]);
        var second = await store.ListAuditAsync(new AuditFilter(BeforeId: first[^1].Id, Limit: 10), None);
        Assert.Equal(Enumerable.Range(5, 10).Reverse().Select(i => "t" + i), second.Select(e => e.Target));
        var last = await store.ListAuditAsync(new AuditFilter(BeforeId: second[^1].Id, Limit: 10), None);
        Assert.Equal(5, last.Count);

        var alice = await store.ListAuditAsync(new AuditFilter(Actor: "alice"), None);
        Assert.Equal(Enumerable.Range(0, 25).Where(i => i % 2 == 0).Reverse().Select(i => "t" + i), alice.Select(e => e.Target));
        var queries = await store.ListAuditAsync(new AuditFilter(Actor: "alice", Action: "query"), None);
        Assert.Equal(["t24", "t18", "t12", "t6", "t0"], queries.Select(e => e.Target));
        Assert.Equal(entries[0] with { Id = queries[^1].Id }, queries[^1]);
    }

    [Fact]
    public async Task PutSecret_ThenGet_SameBytesAndReplacedByPutOfSameName()
    {
        var store = await OpenAsync();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await store.PutSecretAsync("pg_password", bytes, T0, None);
        await store.PutSecretAsync("api_key", [1, 2, 3], T0, None);

        Assert.Equal(bytes, await store.GetSecretAsync("pg_password", None));
        Assert.Null(await store.GetSecretAsync("missing", None));
        Assert.Equal(["api_key", "pg_password"], await store.ListSecretNamesAsync(None));

        await store.PutSecretAsync("api_key", [9, 0], T0.AddHours(1), None);
        Assert.Equal(new byte[] { 9, 0 }, await store.GetSecretAsync("api_key", None));

        Assert.True(await store.DeleteSecretAsync("api_key", None));
        Assert.False(await store.DeleteSecretAsync("api_key", None));
        Assert.Equal(["pg_password"], await store.ListSecretNamesAsync(None));
    }

    [Fact]
    public async Task AccessValues_WithQuotesAndSemicolons_TravelAsParameters()
    {
        var store = await OpenAsync();
        const string Name = "o'brien; DROP TABLE users; --";

        var user = await store.CreateUserAsync(Name, "viewer", "h'; --", T0, None);
        await store.PutSecretAsync(Name, [0], T0, None);

        Assert.Equal(user, await store.FindUserAsync(Name, None));
        Assert.Equal("h'; --", await store.GetPasswordHashAsync(user.Id, None));
        Assert.Equal([Name], await store.ListSecretNamesAsync(None));
    }
}
