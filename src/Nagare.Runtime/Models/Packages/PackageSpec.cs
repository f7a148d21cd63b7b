namespace Nagare.Runtime.Models.Packages;

/// <summary>Where a package comes from, as one entry of packages.yml or dependencies.yml names it.</summary>
public enum PackageSource
{
    /// <summary><c>local: ../path</c>, a folder on this machine.</summary>
    Local,

    /// <summary><c>git: URL</c> with an optional <c>revision</c> and <c>subdirectory</c>.</summary>
    Git,

    /// <summary><c>package: org/name</c> with <c>version</c>, resolved to a git repository.</summary>
    Hub,
}

/// <summary>One package entry of packages.yml or dependencies.yml.</summary>
/// <param name="Source">Kind of entry.</param>
/// <param name="Location">The local path, the git URL, or the hub name <c>org/name</c>.</param>
/// <param name="Revision">The git revision (branch, tag, commit); for hub packages the resolved version.</param>
/// <param name="Subdirectory">Folder of the git repository holding the package.</param>
/// <param name="Versions">For hub packages: the version constraints (<c>1.3.3</c>, <c>&gt;=1.0.0</c>, <c>&lt;2.0.0</c>).</param>
public sealed record PackageSpec(PackageSource Source, string Location, string? Revision = null, string? Subdirectory = null, IReadOnlyList<string>? Versions = null)
{
    /// <summary>Where the entry was written (<c>packages.yml:3</c>), for messages.</summary>
    public string Origin { get; init; } = string.Empty;

    public override string ToString() => Source switch
    {
        PackageSource.Local => $"local: {Location}",
        PackageSource.Git => $"git: {Location}" + (Revision is null ? string.Empty : $" @ {Revision}") + (Subdirectory is null ? string.Empty : $" ({Subdirectory})"),
        _ => $"package: {Location} {string.Join(", ", Versions ?? [])}",
    };
}
