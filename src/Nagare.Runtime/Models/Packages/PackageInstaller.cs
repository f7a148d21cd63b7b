namespace Nagare.Runtime.Models.Packages;

/// <summary>
/// <c>nagare deps</c>: installs the packages of packages.yml (or dependencies.yml) and the packages they need into
/// <c>dbt_packages/</c>, then pins them in package-lock.yml. With a lock file written for the same packages file,
/// the pinned versions and commits are installed instead of resolving again (unless <c>upgrade</c>).
/// </summary>
public sealed class PackageInstaller
{
    private readonly string _root;
    private readonly string _packagesPath;
    private readonly Action<string>? _log;

    /// <param name="projectRoot">The project folder (holding dbt_project.yml and packages.yml).</param>
    /// <param name="log">Receives one line per package installed.</param>
    public PackageInstaller(string projectRoot, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(projectRoot);
        _root = Path.GetFullPath(projectRoot);
        _packagesPath = Path.Combine(_root, ProjectPackagesPath(_root));
        _log = log;
    }

    /// <summary>URL template for hub packages instead of GitHub (see <see cref="PackageHub.Url"/>).</summary>
    public string? HubUrl { get; init; }

    /// <summary>Resolve again even when package-lock.yml matches packages.yml.</summary>
    public bool Upgrade { get; init; }

    /// <summary>Installs every package; the packages folder is replaced only when all of them were fetched.</summary>
    /// <exception cref="ModelProjectException">A package cannot be found, fetched or resolved; nothing is changed.</exception>
    public async Task<IReadOnlyList<InstalledPackage>> InstallAsync(CancellationToken cancellationToken = default)
    {
        var (specs, hash) = PackageFile.Read(_root);
        if (hash is null)
        {
            _log?.Invoke("no packages.yml or dependencies.yml lists packages; nothing to install");
            return [];
        }

        var locked = Upgrade ? null : PackageFile.ReadLock(_root, hash);
        var staging = _packagesPath + ".nagare-new";
        var work = _packagesPath + ".nagare-work";
        DeleteFolder(staging);
        DeleteFolder(work);
        Directory.CreateDirectory(staging);
        Directory.CreateDirectory(work);
        var installed = new List<InstalledPackage>();
        try
        {
            var queue = new Queue<PackageSpec>(locked ?? specs);
            var hubSeen = new Dictionary<string, (PackageVersion Version, string Name)>(StringComparer.OrdinalIgnoreCase);
            var n = 0;
            while (queue.Count > 0)
            {
                var spec = queue.Dequeue();
                if (spec.Source == PackageSource.Hub && hubSeen.TryGetValue(spec.Location, out var chosen))
                {
                    if (!chosen.Version.Satisfies(spec.Versions ?? []))
                    {
                        throw new ModelProjectException($"{spec.Origin}: {spec.Location} {string.Join(", ", spec.Versions ?? [])} conflicts with version {chosen.Version} chosen for another package");
                    }

                    continue;
                }

                var folder = Path.Combine(work, (n++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                var (source, pinned, shown) = await FetchAsync(spec, folder, cancellationToken).ConfigureAwait(false);
                var name = PackageName(source, spec);
                if (installed.Any(p => p.Name == name))
                {
                    continue;
                }

                if (spec.Source == PackageSource.Hub)
                {
                    hubSeen[spec.Location] = (PackageVersion.TryParse(pinned.Revision!)!, name);
                }

                var destination = Path.Combine(staging, name);
                if (spec.Source == PackageSource.Local)
                {
                    Directory.CreateSymbolicLink(destination, source);
                }
                else
                {
                    CopyFolder(source, destination);
                }

                installed.Add(new InstalledPackage(name, pinned, shown));
                _log?.Invoke($"installed {name} {shown}");
                if (locked is null)
                {
                    foreach (var dependency in PackageFile.Read(source).Packages)
                    {
                        queue.Enqueue(dependency);
                    }
                }
            }

            DeleteFolder(_packagesPath);
            Directory.Move(staging, _packagesPath);
            PackageFile.WriteLock(_root, installed, hash);
            return installed;
        }
        finally
        {
            DeleteFolder(work);
            DeleteFolder(staging);
        }
    }

    private async Task<(string Folder, PackageSpec Pinned, string Shown)> FetchAsync(PackageSpec spec, string work, CancellationToken ct)
    {
        switch (spec.Source)
        {
            case PackageSource.Local:
                var path = Path.GetFullPath(Path.Combine(_root, spec.Location));
                if (!File.Exists(Path.Combine(path, "dbt_project.yml")))
                {
                    throw new ModelProjectException($"{spec.Origin}: local: {spec.Location}: no dbt_project.yml in {path}");
                }

                return (path, spec, spec.Location);
            case PackageSource.Git:
                var (folder, commit) = await CloneAsync(spec.Location, spec.Revision, spec.Subdirectory, work, spec.Origin, ct).ConfigureAwait(false);
                return (folder, spec with { Revision = commit }, commit[..Math.Min(12, commit.Length)]);
            default:
                var url = PackageHub.Url(spec.Location, HubUrl);
                var version = await ResolveAsync(spec, url, ct).ConfigureAwait(false);
                var (hubFolder, _) = await CloneAsync(url, version.Text, null, work, spec.Origin, ct).ConfigureAwait(false);
                var plain = version.Text.TrimStart('v', 'V');
                return (hubFolder, spec with { Revision = plain, Versions = [plain] }, plain);
        }
    }

    /// <summary>The highest tag of the repository meeting the constraints (pre-releases only when asked for exactly).</summary>
    private static async Task<PackageVersion> ResolveAsync(PackageSpec spec, string url, CancellationToken ct)
    {
        var output = await GitCli.RunAsync(null, ct, "ls-remote", "--tags", "--refs", url).ConfigureAwait(false);
        var constraints = spec.Versions ?? [];
        var tags = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line[(line.LastIndexOf('/') + 1)..].Trim())
            .Select(PackageVersion.TryParse)
            .OfType<PackageVersion>()
            .ToList();
        var exact = constraints.Count == 1 && !constraints[0].TrimStart().StartsWith('<') && !constraints[0].TrimStart().StartsWith('>');
        var best = tags.Where(t => (t.Prerelease.Length == 0 || exact) && t.Satisfies(constraints)).Max();
        return best ?? throw new ModelProjectException(
            $"{spec.Origin}: no version of {spec.Location} meets {string.Join(", ", constraints)} (tags of {url}: {string.Join(", ", tags.Order().Select(t => t.Text).TakeLast(10))})");
    }

    private static async Task<(string Folder, string Commit)> CloneAsync(string url, string? revision, string? subdirectory, string work, string origin, CancellationToken ct)
    {
        try
        {
            // A branch or tag comes as one shallow commit, as dbt fetches it; a commit (or a server that cannot
            // serve a shallow clone) needs the history.
            var shallow = false;
            if (IsCommit(revision))
            {
                try
                {
                    Directory.CreateDirectory(work);
                    await GitCli.RunAsync(work, ct, "init", "--quiet").ConfigureAwait(false);
                    await GitCli.RunAsync(work, ct, "fetch", "--quiet", "--depth", "1", url, revision!).ConfigureAwait(false);
                    await GitCli.RunAsync(work, ct, "-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD").ConfigureAwait(false);
                    shallow = true;
                }
                catch (ModelProjectException)
                {
                    DeleteFolder(work);
                }
            }
            else
            {
                try
                {
                    string[] args = revision is null ? ["clone", "--quiet", "--depth", "1", url, work] : ["clone", "--quiet", "--depth", "1", "--branch", revision, url, work];
                    await GitCli.RunAsync(null, ct, args).ConfigureAwait(false);
                    shallow = true;
                }
                catch (ModelProjectException)
                {
                    DeleteFolder(work);
                }
            }

            if (!shallow)
            {
                await GitCli.RunAsync(null, ct, "clone", "--quiet", url, work).ConfigureAwait(false);
                if (revision is not null)
                {
                    await GitCli.RunAsync(work, ct, "-c", "advice.detachedHead=false", "checkout", "--quiet", revision).ConfigureAwait(false);
                }
            }
        }
        catch (ModelProjectException e)
        {
            throw new ModelProjectException($"{origin}: {e.Message}", e);
        }

        var commit = (await GitCli.RunAsync(work, ct, "rev-parse", "HEAD").ConfigureAwait(false)).Trim();
        var folder = subdirectory is null ? work : Path.GetFullPath(Path.Combine(work, subdirectory));
        if (!File.Exists(Path.Combine(folder, "dbt_project.yml")))
        {
            throw new ModelProjectException($"{origin}: {url}{(subdirectory is null ? string.Empty : $" ({subdirectory})")} has no dbt_project.yml at {revision ?? "its default branch"}");
        }

        return (folder, commit);
    }

    private static bool IsCommit(string? revision) =>
        revision is { Length: >= 7 and <= 40 } && revision.All(char.IsAsciiHexDigitLower);

    private static string PackageName(string folder, PackageSpec spec)
    {
        var yml = YamlTree.Load(Path.Combine(folder, "dbt_project.yml"), $"{spec}: dbt_project.yml");
        return yml.String("name") ?? throw new ModelProjectException($"{spec.Origin}: the dbt_project.yml of {spec} has no name:");
    }

    private static string ProjectPackagesPath(string root)
    {
        var file = Path.Combine(root, "dbt_project.yml");
        return File.Exists(file) ? YamlTree.Load(file, "dbt_project.yml").String("packages-install-path") ?? ModelProject.DefaultPackagesPath : ModelProject.DefaultPackagesPath;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            if (Path.GetFileName(dir) != ".git")
            {
                CopyFolder(dir, Path.Combine(to, Path.GetFileName(dir)));
            }
        }

        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static void DeleteFolder(string path)
    {
        if (new DirectoryInfo(path) is { Exists: true } info)
        {
            if (info.LinkTarget is not null)
            {
                info.Delete();
                return;
            }

            DeleteTree(info);
        }
    }

    /// <summary>Deletes a folder without following links to folders (a local package is a link to the user's own files).</summary>
    private static void DeleteTree(DirectoryInfo folder)
    {
        foreach (var sub in folder.EnumerateDirectories())
        {
            if (sub.LinkTarget is not null)
            {
                sub.Delete();
            }
            else
            {
                DeleteTree(sub);
            }
        }

        foreach (var file in folder.EnumerateFiles())
        {
            // Read-only git objects would stop the delete.
            file.Attributes = FileAttributes.Normal;
            file.Delete();
        }

        folder.Delete();
    }
}
