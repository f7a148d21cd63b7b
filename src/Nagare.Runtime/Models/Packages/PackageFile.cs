using System.Globalization;

namespace Nagare.Runtime.Models.Packages;

/// <summary>Reads the package entries of packages.yml / dependencies.yml and reads and writes package-lock.yml.</summary>
public static class PackageFile
{
    /// <summary>The lock file written by <c>nagare deps</c>.</summary>
    public const string LockFileName = "package-lock.yml";

    /// <summary>
    /// The packages a project (or an installed package) asks for, and a hash of the file they came from. Both files
    /// may exist, but only one may list packages, as in dbt.
    /// </summary>
    /// <exception cref="ModelProjectException">An entry is malformed; the message names file, line and key.</exception>
    public static (IReadOnlyList<PackageSpec> Packages, string? Hash) Read(string folder)
    {
        (IReadOnlyList<PackageSpec>, string?) found = ([], null);
        string? from = null;
        foreach (var name in new[] { "packages.yml", "dependencies.yml" })
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                continue;
            }

            var text = File.ReadAllText(path);
            var yml = YamlTree.Parse(text, name);
            if (yml.List("packages") is not { } list)
            {
                continue;
            }

            if (from is not null)
            {
                throw new ModelProjectException($"{name}: packages are listed in {from} too; keep them in one of the two files");
            }

            from = name;
            found = ([.. list.Select((entry, i) => Entry(yml, entry, i))], ProjectScanner.Hash(text));
        }

        return found;
    }

    private static PackageSpec Entry(YamlMap file, object? entry, int index)
    {
        if (entry is not YamlMap m)
        {
            throw file.Error("packages", $"entry {index + 1}: expected a mapping such as 'package: dbt-labs/dbt_utils' with 'version:', 'git: URL' or 'local: path'");
        }

        var origin = $"{m.File}:{m.Line}";
        if (m.String("local") is { } local)
        {
            return new PackageSpec(PackageSource.Local, local) { Origin = origin };
        }

        if (m.String("git") is { } git)
        {
            return new PackageSpec(PackageSource.Git, git, Text(m, "revision"), m.String("subdirectory")) { Origin = origin };
        }

        if (m.String("package") is { } package)
        {
            var versions = m.TryGetValue("version", out var v) && v is List<object?> list
                ? list.Select(x => Convert.ToString(x, CultureInfo.InvariantCulture) ?? string.Empty).ToList()
                : Text(m, "version") is { } one ? [one] : throw m.Error("package", $"'{package}' needs a version: (e.g. version: 1.3.3 or version: [\">=1.0.0\", \"<2.0.0\"])");
            return new PackageSpec(PackageSource.Hub, package, Versions: versions) { Origin = origin };
        }

        if (m.ContainsKey("tarball") || m.ContainsKey("private"))
        {
            throw m.Error(m.ContainsKey("tarball") ? "tarball" : "private", "is not supported; install the package with git: URL or local: path");
        }

        throw file.Error("packages", $"entry {index + 1} (line {m.Line}): expected one of 'package:', 'git:' or 'local:'");
    }

    private static string? Text(YamlMap m, string key) =>
        m.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    /// <summary>The lock file's entries when it was written for the packages file with <paramref name="hash"/>, else null.</summary>
    public static IReadOnlyList<PackageSpec>? ReadLock(string folder, string hash)
    {
        var path = Path.Combine(folder, LockFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var yml = YamlTree.Load(path, LockFileName);
        if (yml.String("sha1_hash") != hash)
        {
            return null;
        }

        return [.. (yml.List("packages") ?? []).Select((e, i) => Entry(yml, e, i))];
    }

    /// <summary>Writes package-lock.yml: every installed package pinned (hub version, git commit).</summary>
    public static void WriteLock(string folder, IEnumerable<InstalledPackage> installed, string hash)
    {
        var text = new System.Text.StringBuilder("packages:\n");
        foreach (var p in installed)
        {
            var s = p.Pinned;
            switch (s.Source)
            {
                case PackageSource.Local:
                    text.Append("  - local: ").Append(Quote(s.Location)).Append('\n');
                    break;
                case PackageSource.Git:
                    text.Append("  - git: ").Append(Quote(s.Location)).Append('\n');
                    text.Append("    revision: ").Append(Quote(s.Revision ?? string.Empty)).Append('\n');
                    if (s.Subdirectory is not null)
                    {
                        text.Append("    subdirectory: ").Append(Quote(s.Subdirectory)).Append('\n');
                    }

                    break;
                default:
                    text.Append("  - package: ").Append(Quote(s.Location)).Append('\n');
                    text.Append("    version: ").Append(Quote(s.Revision ?? string.Empty)).Append('\n');
                    break;
            }

            text.Append("    name: ").Append(Quote(p.Name)).Append('\n');
        }

        text.Append("sha1_hash: ").Append(hash).Append('\n');
        var path = Path.Combine(folder, LockFileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, path, overwrite: true);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
