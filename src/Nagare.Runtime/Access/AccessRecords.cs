using System.Collections.Immutable;
using Nagare.Core;

namespace Nagare.Runtime.Access;

/// <summary>What a role may do with a dataset (a warehouse schema). Ordered: each includes the ones before it.</summary>
public enum Privilege
{
    /// <summary>Nothing: the dataset's tables are not listed, previewed or readable in SQL.</summary>
    None = 0,

    /// <summary>Read its tables (previews, downloads, SQL).</summary>
    Read = 1,

    /// <summary>Read, and write it through syncs and models.</summary>
    Write = 2,

    /// <summary>Everything, including dropping it.</summary>
    Admin = 3,
}

/// <summary>
/// What a role may do through the API, apart from datasets. Ordered: each level includes the ones before it.
/// The built-in roles are named after their levels; a custom role takes one of them.
/// </summary>
public enum RoleLevel
{
    /// <summary>Reads pipelines, runs, datasets and previews of granted tables.</summary>
    Viewer = 0,

    /// <summary>A viewer who also runs ad-hoc SQL on granted datasets and starts runs.</summary>
    Analyst = 1,

    /// <summary>An analyst who also edits connections, syncs, models and pipelines.</summary>
    Editor = 2,

    /// <summary>Everything: users, roles, grants, tokens, the audit log, and SQL that reaches files and settings.</summary>
    Admin = 3,
}

/// <summary>A grant of <paramref name="Privilege"/> on the datasets whose names match <paramref name="Pattern"/> (<c>*</c> and <c>?</c>, case-insensitive).</summary>
public sealed record DatasetGrant(string Pattern, Privilege Privilege);

/// <summary>How a masked column reads.</summary>
public enum MaskKind
{
    /// <summary>The SHA-256 of the value as text (joins on it still work).</summary>
    Hash,

    /// <summary>NULL.</summary>
    Null,

    /// <summary>The text <c>***</c>.</summary>
    Redact,
}

/// <summary>A column a role reads masked: <paramref name="Table"/> is <c>schema.table</c>.</summary>
public sealed record ColumnMask(string Table, string Column, MaskKind With);

/// <summary>The rows of <paramref name="Table"/> (<c>schema.table</c>) a role reads: those where the SQL condition <paramref name="Where"/> holds.</summary>
public sealed record RowFilter(string Table, string Where);

/// <summary>A role: a level for the API and grants for datasets.</summary>
/// <param name="Name">Unique name (built-in: admin, editor, analyst, viewer).</param>
/// <param name="Level">What the role may do through the API.</param>
/// <param name="Grants">Dataset grants; see <see cref="Grants"/> for how several matching patterns resolve.</param>
/// <param name="Description">Free text, or null.</param>
/// <param name="Builtin">True for the four built-in roles (their grants may change; they cannot be deleted).</param>
/// <param name="Version">Incremented by every change; a change naming an older version is refused (<see cref="VersionConflictException"/>).</param>
public sealed record RoleRecord(string Name, RoleLevel Level, ImmutableArray<DatasetGrant> Grants, string? Description = null, bool Builtin = false, long Version = 0)
{
    /// <summary>Columns the role reads masked, wherever it reads them (SQL, previews, downloads).</summary>
    public ImmutableArray<ColumnMask> Masks { get; init; } = [];

    /// <summary>Tables of which the role reads only some rows.</summary>
    public ImmutableArray<RowFilter> RowFilters { get; init; } = [];
}

/// <summary>A local user (the password hash never leaves the store's access methods).</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Name">The name one signs in with.</param>
/// <param name="Role">The name of its role.</param>
/// <param name="Disabled">True when it may not sign in and its tokens do not work.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Version">Incremented by every change; a change naming an older version is refused (<see cref="VersionConflictException"/>).</param>
/// <param name="PasswordChangeRequired">True while its password is one someone else chose (the first admin's generated one, or one an admin set), until the user changes it.</param>
public sealed record UserRecord(long Id, string Name, string Role, bool Disabled, DateTimeOffset CreatedAt, long Version, bool PasswordChangeRequired = false);

/// <summary>An API token as listed: never its secret, only the first characters that identify it.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="Name">What its owner called it.</param>
/// <param name="UserId">The user it acts as.</param>
/// <param name="Prefix">Its first characters, to recognise it in lists.</param>
/// <param name="Scopes">Empty for all that its user may do; else <c>read</c> (GET only), <c>query</c>, <c>run</c>, <c>edit</c>, <c>admin</c>.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops working, or null.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="LastUsedAt">When it was last used (to within a minute), or null.</param>
public sealed record TokenRecord(long Id, string Name, long UserId, string Prefix, ImmutableArray<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>One line of the audit log.</summary>
/// <param name="Id">Identifier (ignored when appending).</param>
/// <param name="At">When.</param>
/// <param name="Actor">User name, <c>token:NAME</c> of a user, or null for an anonymous caller.</param>
/// <param name="Action">What, e.g. <c>sign-in</c>, <c>query</c>, <c>role.update</c>, <c>run.create</c>.</param>
/// <param name="Target">The object acted on (a role name, a run id, the SQL of a query), or null.</param>
/// <param name="Outcome"><c>allowed</c>, <c>denied</c> or <c>failed</c>.</param>
/// <param name="Detail">Why (the reason of a denial, an error), or null.</param>
/// <param name="Address">The caller's IP address, or null.</param>
public sealed record AuditEntry(long Id, DateTimeOffset At, string? Actor, string Action, string? Target, string Outcome, string? Detail, string? Address);

/// <summary>Which audit lines to list, newest first.</summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, long? BeforeId = null, int Limit = 100);

/// <summary>A change named a version that is no longer the object's current one: someone else changed it first.</summary>
public sealed class VersionConflictException : NagareException
{
    /// <summary>Creates the exception.</summary>
    public VersionConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public VersionConflictException()
        : base("The object was changed by someone else.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public VersionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What one caller may do: the level of their role and its dataset grants, resolved.</summary>
public sealed class AccessPolicy
{
    private readonly ImmutableArray<DatasetGrant> grants;

    /// <summary>Creates the policy of a role.</summary>
    public AccessPolicy(RoleRecord role)
    {
        ArgumentNullException.ThrowIfNull(role);
        Role = role.Name;
        Level = role.Level;
        grants = role.Grants;
        Masks = role.Masks.IsDefault ? [] : role.Masks;
        RowFilters = role.RowFilters.IsDefault ? [] : role.RowFilters;
    }

    /// <summary>Columns the role reads masked (none for admins: they read everything as it is).</summary>
    public ImmutableArray<ColumnMask> Masks { get; }

    /// <summary>Row filters of the role.</summary>
    public ImmutableArray<RowFilter> RowFilters { get; }

    /// <summary>True when the role reads some table masked or filtered.</summary>
    public bool HasProtections => !IsAdmin && (!Masks.IsEmpty || !RowFilters.IsEmpty);

    /// <summary>The role's name.</summary>
    public string Role { get; }

    /// <summary>The role's level.</summary>
    public RoleLevel Level { get; }

    /// <summary>True for admins: every dataset, and SQL that reaches files, settings and other databases.</summary>
    public bool IsAdmin => Level == RoleLevel.Admin;

    /// <summary>
    /// The privilege on dataset <paramref name="schema"/>: admins have <see cref="Privilege.Admin"/> everywhere; else
    /// the grant whose pattern matches most specifically (most characters that are not wildcards) wins, the lower
    /// privilege among equally specific ones; no matching grant is <see cref="Privilege.None"/>. So
    /// <c>* read</c> with <c>dwh_secret none</c> reads everything but dwh_secret.
    /// </summary>
    public Privilege On(string schema) => IsAdmin ? Privilege.Admin : Grants.Resolve(grants, schema);
}

/// <summary>Dataset grant patterns.</summary>
public static class Grants
{
    /// <summary>The privilege <paramref name="grants"/> give on <paramref name="schema"/> (see <see cref="AccessPolicy.On"/>).</summary>
    public static Privilege Resolve(IEnumerable<DatasetGrant> grants, string schema)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(schema);
        var best = -1;
        var result = Privilege.None;
        foreach (var grant in grants)
        {
            if (!Matches(grant.Pattern, schema))
            {
                continue;
            }

            var specificity = grant.Pattern.Count(c => c is not '*' and not '?');
            if (specificity > best || (specificity == best && grant.Privilege < result))
            {
                best = specificity;
                result = grant.Privilege;
            }
        }

        return result;
    }

    /// <summary>True when <paramref name="name"/> matches the glob <paramref name="pattern"/> (<c>*</c> any run, <c>?</c> one character; case-insensitive).</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Checks a pattern a person wrote: letters, digits, <c>_</c>, <c>$</c>, <c>-</c>, <c>*</c>, <c>?</c>; 1–128 characters.</summary>
    /// <exception cref="NagareException">The pattern is empty, too long, or holds other characters.</exception>
    public static string CheckPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length is 0 or > 128 || !pattern.All(c => char.IsLetterOrDigit(c) || c is '_' or '$' or '-' or '*' or '?'))
        {
            throw new NagareException($"Dataset pattern '{pattern}' is not valid: use 1 to 128 letters, digits, _, $, - and the wildcards * and ?, e.g. mart_sales* or dwh_secret.");
        }

        return pattern;
    }
}
